#!/usr/bin/env python3
"""Fills fuzz/corpus/<target>/ with seeds from the public fixtures that the
tests already use (tests/fixtures/, assets/demo/). The corpus is not
committed (it grows while fuzzing); run this before the first `cargo fuzz run`.

Importer targets get the fixture files as they are. The layers target gets
every request body and URL query of the HAR fixtures behind the selector
byte that puts it in the same place; the trackers target gets the demo's
and the fixtures' payloads once per tracker and wrapping."""
import base64, gzip, json, os, pathlib, shutil, urllib.parse, zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEED = 256 * 1024  # big seeds only slow libFuzzer down


def put(target, name, data):
    if len(data) > MAX_SEED:
        return
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def copy(target, folder, suffixes):
    for p in sorted((FIX / folder).iterdir()):
        if p.suffix in suffixes:
            put(target, p.name, p.read_bytes())


copy("har", "har", {".har", ".zhar"})
copy("mitm", "mitm", {".mitm", ".flows", ".dump"})
copy("burp", "burp", {".xml"})
# Large Burp files: their first items, closed again, are seeds too.
for p in sorted((FIX / "burp").glob("*.xml")):
    data = p.read_bytes()
    for keep in (1, 3, 8):
        end = 0
        for _ in range(keep):
            found = data.find(b"</item>", end)
            if found < 0:
                break
            end = found + len(b"</item>")
        if end:
            put("burp", f"{p.stem}-first{keep}.xml", data[:end] + b"\n</items>\n")
copy("pcap", "pcap", {".pcap"})
copy("pcapng", "pcapng", {".pcapng"}) if (FIX / "pcapng").exists() else None
copy("pcapng", "pcap", {".pcapng"})

hars = sorted((FIX / "har").glob("*.har")) + sorted((ROOT / "assets" / "demo").glob("*.har"))
payloads = []
for p in hars:
    try:
        doc = json.loads(p.read_bytes().decode("utf-8-sig"))
        entries = doc["log"]["entries"]
    except Exception:
        continue
    for i, e in enumerate(entries[:40]):
        req = e.get("request") or {}
        text = ((req.get("postData") or {}).get("text")) or ""
        query = urllib.parse.urlsplit(req.get("url") or "").query
        if text:
            payloads.append(text.encode("utf-8", "surrogatepass"))
            # selector 0b10_000_010: request body declared as a form
            put("layers", f"{p.stem}-{i}-body", bytes([0x82]) + payloads[-1])
        if query:
            put("layers", f"{p.stem}-{i}-query", bytes([0x00]) + query.encode())

# Payloads as the SDKs send them, unwrapped where the demo wrapped them.
events = []
for text in payloads:
    for _, value in urllib.parse.parse_qsl(text.decode("utf-8", "replace")):
        for decode in (lambda v: base64.b64decode(v + "=="), lambda v: v.encode()):
            try:
                raw = decode(value)
            except Exception:
                continue
            if raw[:2] == b"\x1f\x8b":
                try:
                    raw = gzip.decompress(raw)
                except Exception:
                    continue
            if raw[:1] in (b"[", b"{"):
                events.append(raw)
                break
events += [
    b'[{"type":"track","event":"$pageview","time":1588249200000,"distinct_id":"d1","properties":{"$url":"https://news.example/a","$is_incognito":true}}]',
    b'{"event":"Search","properties":{"token":"t0k","distinct_id":"u","time":1588249200,"$insert_id":"i1"}}',
    b"v=1&tid=UA-1234-1&cid=555&t=event&ec=search&ea=submit&el=canary&dl=https%3A%2F%2Fa.example%2F",
    b"en=search&ep.search_term=canary&_et=12\nen=page_view&dl=https%3A%2F%2Fb.example%2F",
    b'{"batch":[{"type":"track","event":"Clicked","userId":"u1","messageId":"m1","timestamp":"2020-04-30T12:00:00Z","properties":{"q":"x"}}]}',
    b'{"api_key":"k","events":[{"device_id":"d","user_id":"u","event_type":"open","time":1588249200000,"event_properties":{"a":1}}]}',
    b'{"source":"push","campaign":"c1"}',
    b"\x0a\x0c\x12\x0a\x12\x04open\x20\xe8\x07",
    b'{"name":"screen_view","timestamp":"2020-04-30T12:00:00.000Z","screen":"home"}',
]
for n, payload in enumerate(events[:60]):
    for tracker in range(9):
        for how in range(4):
            put("trackers", f"p{n}-t{tracker}-w{how}", bytes([tracker, how]) + payload)
for target in sorted(os.listdir(CORPUS)):
    print(target, len(os.listdir(CORPUS / target)))

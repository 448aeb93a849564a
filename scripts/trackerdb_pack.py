#!/usr/bin/env python3
"""Turn the tracker databases as their maintainers publish them into the
files under assets/trackerdb/ that Telltale compiles in.

Each list stays a file of its own, in its own licence (assets/trackerdb/README.md).
What is kept is only what attribution reads: a domain, the company behind it,
a category and a country. The DuckDuckGo and X-Ray lists are copied unchanged;
Disconnect's list is stored the right way round (TrackerControl ships it
reversed); Exodus Privacy's and Ghostery's are cut down to the fields used
(the long descriptions and filter rules are dropped).

usage: trackerdb_pack.py SRC_DIR OUT_DIR
  SRC_DIR holds any of: duckduckgo-android-tds.json, disconnect-blacklist.json
  (or TrackerControl's disconnect-blacklist.reversed.json), xray-blacklist.json,
  trackers.json (Exodus API), trackerdb.json (npm @ghostery/trackerdb dist/).
"""
import json
import os
import sys


def write(out_dir, name, value):
    path = os.path.join(out_dir, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=0, sort_keys=True)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    src, out = sys.argv[1], sys.argv[2]
    have = lambda name: os.path.exists(os.path.join(src, name))
    read = lambda name: open(os.path.join(src, name), encoding="utf-8").read()

    if have("duckduckgo-android-tds.json"):
        json.loads(read("duckduckgo-android-tds.json"))  # must parse
        with open(os.path.join(out, "duckduckgo-android-tds.json"), "w", encoding="utf-8") as f:
            f.write(read("duckduckgo-android-tds.json"))
        print("copied duckduckgo-android-tds.json")

    text = None
    if have("disconnect-blacklist.json"):
        text = read("disconnect-blacklist.json")
    elif have("disconnect-blacklist.reversed.json"):
        text = read("disconnect-blacklist.reversed.json")[::-1]
    if text is not None:
        write(out, "disconnect-services.json", json.loads(text))

    if have("xray-blacklist.json"):
        json.loads(read("xray-blacklist.json"))
        with open(os.path.join(out, "xray-2018.json"), "w", encoding="utf-8") as f:
            f.write(read("xray-blacklist.json"))
        print("copied xray-blacklist.json as xray-2018.json")

    if have("trackers.json"):
        exodus = json.loads(read("trackers.json"))["trackers"]
        kept = {
            key: {
                "name": t["name"],
                "website": t.get("website") or "",
                "network_signature": t.get("network_signature") or "",
                "categories": t.get("categories") or [],
            }
            for key, t in exodus.items()
        }
        write(out, "exodus-trackers.json", {"trackers": kept})

    if have("trackerdb.json"):
        db = json.loads(read("trackerdb.json"))
        version = None
        if have("package.json"):
            version = json.loads(read("package.json")).get("version")
        organizations = {
            key: {"name": o["name"], "country": o.get("country")}
            for key, o in db["organizations"].items()
        }
        patterns = {
            key: {
                "name": p["name"],
                "category": p["category"],
                "organization": p.get("organization"),
                "domains": p.get("domains") or [],
            }
            for key, p in db["patterns"].items()
            if p.get("domains")
        }
        write(out, "ghostery-trackerdb.json", {"version": version, "organizations": organizations, "patterns": patterns})


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Convert ip-location-db's ASN CSVs into Telltale's compact `asn.bin`.

Usage: geo_asn_to_bin.py ASN_IPV4_NUM_CSV ASN_IPV6_NUM_CSV OUT_BIN

Why a format of our own: the upstream CSVs are ~32 MB and there is no
published MMDB of them; sorted fixed-size records are about a third of that
and `src/attribution/geo.rs` binary-searches them in place, zero-copy.

Layout (all integers little-endian; `src/attribution/geo.rs` reads exactly this):

    header   8 bytes  magic b"TTASN\\x00\\x01\\x00" (name, format version 1)
             4 x u32  v4_count, v6_count, org_count, strings_len
    v4       v4_count  x (start u32,  end u32,  asn u32)   12 bytes each
    v6       v6_count  x (start u128, end u128, asn u32)   36 bytes each
    orgs     org_count x (asn u32, offset u32, len u32)    12 bytes each
    strings  strings_len bytes of UTF-8 organisation names

Ranges are inclusive, sorted by start and non-overlapping; orgs are sorted by
ASN and unique (upstream gives one name per ASN; if it ever gives two, the
first one seen wins and the script says so).
"""

import csv
import struct
import sys

MAGIC = b"TTASN\x00\x01\x00"


def read_ranges(path):
    """Rows (start, end, asn, org) from an upstream `-num.csv` file."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [(int(a), int(b), int(c), d) for a, b, c, d in csv.reader(handle)]


def clip_overlaps(rows, label):
    """Sort and make ranges disjoint: where two overlap, the later (more
    specific, in upstream's merge order) one keeps the shared addresses."""
    rows.sort(key=lambda r: (r[0], r[1]))
    out = []
    for row in rows:
        tail = None
        if out and out[-1][1] >= row[0]:
            p_start, p_end, p_asn, p_org = out.pop()
            if p_start < row[0]:
                out.append((p_start, row[0] - 1, p_asn, p_org))
            if p_end > row[1]:
                tail = (row[1] + 1, p_end, p_asn, p_org)
            print(f"note: {label} range {p_start}-{p_end} (AS{p_asn}) overlaps {row[0]}-{row[1]} (AS{row[2]}); clipped",
                  file=sys.stderr)
        out.append(row)
        if tail:
            out.append(tail)
    for prev, cur in zip(out, out[1:]):
        if prev[1] >= cur[0]:
            sys.exit(f"{label}: ranges still overlap at {prev} / {cur}")
    return out


def org_table(rows, names):
    """Fill names {asn: org}; warn when an ASN comes with two names."""
    for _, _, asn, org in rows:
        seen = names.setdefault(asn, org)
        if seen != org:
            print(f"warning: AS{asn} named both {seen!r} and {org!r}; keeping the first", file=sys.stderr)


def write_bin(out_path, v4, v6, names):
    strings = bytearray()
    orgs = []
    for asn in sorted(names):
        encoded = names[asn].encode("utf-8")
        orgs.append((asn, len(strings), len(encoded)))
        strings += encoded
    with open(out_path, "wb") as out:
        out.write(MAGIC)
        out.write(struct.pack("<4I", len(v4), len(v6), len(orgs), len(strings)))
        for start, end, asn, _ in v4:
            out.write(struct.pack("<3I", start, end, asn))
        for start, end, asn, _ in v6:
            out.write(start.to_bytes(16, "little") + end.to_bytes(16, "little") + struct.pack("<I", asn))
        for asn, offset, length in orgs:
            out.write(struct.pack("<3I", asn, offset, length))
        out.write(strings)
    print(f"{out_path}: {len(v4)} IPv4 ranges, {len(v6)} IPv6 ranges, {len(orgs)} organisations")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    v4 = clip_overlaps(read_ranges(sys.argv[1]), "IPv4")
    v6 = clip_overlaps(read_ranges(sys.argv[2]), "IPv6")
    names = {}
    org_table(v4, names)
    org_table(v6, names)
    write_bin(sys.argv[3], v4, v6, names)


if __name__ == "__main__":
    main()

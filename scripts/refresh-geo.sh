#!/usr/bin/env bash
# Refresh Telltale's offline IP databases in assets/geo/ from ip-location-db's npm packages.
#
# Telltale itself never downloads anything: this script is the only way the
# data changes, run by a developer, reviewed, and committed like code.
#
#   scripts/refresh-geo.sh            # latest published version
#   GEO_VERSION=2.3.2026061719 scripts/refresh-geo.sh   # a pinned version
#
# Needs: npm, python3, tar. Writes: assets/geo/{country.mmdb,asn.bin,README.md,LICENSE-*}.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
out_dir="$repo_root/assets/geo"
version="${GEO_VERSION:-latest}"
work_dir=$(mktemp -d)
trap 'rm -rf "$work_dir"' EXIT

country_pkg="@ip-location-db/geo-whois-asn-country-mmdb"
asn_pkg="@ip-location-db/asn"

# npm pack downloads the tarball without installing or running any package script.
fetch() {
    local pkg=$1 dest=$2
    mkdir -p "$dest"
    (cd "$work_dir" && npm pack --silent "$pkg@$version" >"$dest.name")
    tar xzf "$work_dir/$(cat "$dest.name")" -C "$dest"
}

fetch "$country_pkg" "$work_dir/country"
fetch "$asn_pkg" "$work_dir/asn"
country_dir="$work_dir/country/package"
asn_dir="$work_dir/asn/package"
country_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$country_dir/package.json")
asn_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$asn_dir/package.json")

mkdir -p "$out_dir"
cp "$country_dir/geo-whois-asn-country.mmdb" "$out_dir/country.mmdb"
python3 "$repo_root/scripts/geo_asn_to_bin.py" \
    "$asn_dir/asn-ipv4-num.csv" "$asn_dir/asn-ipv6-num.csv" "$out_dir/asn.bin"

# Upstream licence texts, verbatim.
cp "$country_dir/NRO_LICENSE" "$out_dir/LICENSE-NRO"
cp "$asn_dir/ROUTEVIEWS-LICENSE" "$out_dir/LICENSE-ROUTEVIEWS"
cp "$asn_dir/DBIP-LICENSE" "$out_dir/LICENSE-DBIP"
cp "$asn_dir/MODIFICATIONS" "$out_dir/MODIFICATIONS-ASN"

today=$(date -u +%Y-%m-%d)
country_bytes=$(wc -c <"$out_dir/country.mmdb")
asn_bytes=$(wc -c <"$out_dir/asn.bin")

cat >"$out_dir/README.md" <<EOF
# Offline IP databases

Telltale answers "which country, which network?" for a server address from
these files alone, compiled into the program. It never contacts the network
to look an address up (no DNS, no WHOIS, no update checks). The files change
only when a developer runs \`scripts/refresh-geo.sh\` and commits the result.

| file | what | source package | version | licence |
| --- | --- | --- | --- | --- |
| \`country.mmdb\` ($country_bytes bytes) | IP range → ISO 3166-1 alpha-2 country code (MaxMind DB format, IPv4 + IPv6) | npm \`$country_pkg\` (file \`geo-whois-asn-country.mmdb\`, unchanged) | $country_version | package marked CC0-1.0; built from NRO data under CC BY 4.0 (see \`LICENSE-NRO\`) |
| \`asn.bin\` ($asn_bytes bytes) | IP range → autonomous system number and organisation | npm \`$asn_pkg\` (files \`asn-ipv4-num.csv\`, \`asn-ipv6-num.csv\`), converted by \`scripts/geo_asn_to_bin.py\` | $asn_version | CC BY 4.0 (see \`LICENSE-ROUTEVIEWS\`, \`LICENSE-DBIP\`, \`LICENSE-NRO\`, \`MODIFICATIONS-ASN\`) |

Fetched and converted on $today; the upstream version number ends in the date
and hour the data was built (\`YYYYMMDDHH\`). Project: https://github.com/sapics/ip-location-db (by sapics).

## Attribution (CC BY 4.0)

- Country data: ip-location-db \`geo-whois-asn-country\` (GeoFeed + WHOIS + ASN),
  built from the five RIRs' data; "The statistics data provided by NRO is licensed
  under a Creative Commons Attribution 4.0 International License. Copyright Holder:
  Number Resource Organization (NRO)" — https://www.nro.net/
- ASN data: ip-location-db \`asn\`, CC BY 4.0, "created by RouteViews database and
  DB-IP IP to ASN Lite database with modifications"; most organisation names come
  from DB-IP's IP to ASN Lite database. Data from
  RouteViews (https://www.routeviews.org/), the NRO (https://www.nro.net/) and
  [IP Geolocation by DB-IP](https://db-ip.com) (https://db-ip.com/db/download/ip-to-asn-lite).
- Telltale's change: the ASN CSVs are repacked into the binary \`asn.bin\` (same
  ranges; the few overlapping ranges are clipped so the more specific one wins).
  Licence: https://creativecommons.org/licenses/by/4.0/

## Caveats

- Country is where the address block is registered or announced, not where a
  server physically stands; cloud providers rent addresses worldwide.
- Upstream warns that the data published to npm "contains bugs resulting in
  incorrect data" and that npm updates are deprecated in favour of its GitHub
  releases, which this script does not use yet. Treat a country or owner as a
  lead to confirm, not as proof.
EOF

echo "assets/geo refreshed: country $country_version, asn $asn_version"
ls -l "$out_dir"

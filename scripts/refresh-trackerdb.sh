#!/usr/bin/env bash
# Refreshes the tracker databases in assets/trackerdb/ and the Public Suffix
# List in assets/psl/, then prints what changed. Review the diff (and the
# figures in README › Data credits) before committing.
#
#   scripts/refresh-trackerdb.sh [--trackercontrol DIR]
#
# - Ghostery's TrackerDB comes from the npm registry (@ghostery/trackerdb).
# - The Public Suffix List comes from PyPI (the `publicsuffixlist` package
#   ships the list as published by publicsuffix.org, with its VERSION line).
# - DuckDuckGo's app tracker data set, Disconnect's list, X-Ray 2018 and
#   Exodus Privacy's signatures come from their maintainers' URLs below;
#   where those cannot be reached (a machine that only reaches package
#   registries), give a checkout of TrackerControl (its app/src/main/assets/
#   holds all four) with --trackercontrol.
set -euo pipefail
cd "$(dirname "$0")/.."
tc=""
if [[ ${1:-} == --trackercontrol ]]; then tc=$2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # name url
    curl -fsSL --max-time 60 -o "$work/src/$1" "$2" 2>/dev/null
}
mkdir -p "$work/src"
fetch duckduckgo-android-tds.json https://raw.githubusercontent.com/duckduckgo/tracker-blocklists/main/app/android-tds.json || true
fetch disconnect-blacklist.json https://raw.githubusercontent.com/mozilla-services/shavar-prod-lists/master/disconnect-blacklist.json || true
fetch trackers.json https://reports.exodus-privacy.eu.org/api/trackers || true
# X-Ray 2018 is a fixed research data set (OSF 4nu9e); TrackerControl's copy is the one used.
if [[ -n $tc ]]; then
    for f in duckduckgo-android-tds.json disconnect-blacklist.reversed.json xray-blacklist.json trackers.json; do
        [[ -f $work/src/${f%.reversed.json}.json || -f $work/src/$f ]] && continue
        [[ -f $tc/app/src/main/assets/$f ]] && cp "$tc/app/src/main/assets/$f" "$work/src/"
    done
fi

(cd "$work" && npm pack --silent @ghostery/trackerdb >/dev/null && tar xzf ghostery-trackerdb-*.tgz)
cp "$work/package/dist/trackerdb.json" "$work/package/package.json" "$work/src/"

python3 scripts/trackerdb_pack.py "$work/src" assets/trackerdb

(cd "$work" && python3 -m pip download --quiet --no-deps --dest . publicsuffixlist \
    && unzip -p publicsuffixlist-*.whl publicsuffixlist/public_suffix_list.dat > psl.dat)
grep -q '^// VERSION:' "$work/psl.dat"
cp "$work/psl.dat" assets/psl/public_suffix_list.dat
grep -m1 '^// VERSION:' assets/psl/public_suffix_list.dat

git status --short assets/trackerdb assets/psl
echo "Now run: cargo test --lib attribution  (checks every list still parses and the counts in README)"

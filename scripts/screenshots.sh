#!/usr/bin/env bash
# Regenerates screenshots/*.png with the real GUI under a virtual X server
# (xvfb-run): the built-in demo case at 1600×1000 (timeline, inspector,
# what left the device, compare, findings), the same timeline in the dark
# theme and at 1280×720, and the Requests and What left views on real
# captures (an Android app's first run and a web page load,
# tests/fixtures/real/).
# Needs: xvfb (apt-get install -y xvfb). Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/telltale
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case_file="$work/demo.telltale"
"$bin" demo "$case_file" >/dev/null
# Three findings, as an investigator would mark them: a visited URL, a
# search term and an opened screen, all sent in incognito mode.
annotate_first() { # EVENT_NAME SEVERITY NOTE
    local id
    id=$("$bin" events "$case_file" --mode incognito --json |
        python3 -c "import json,sys; print(next(e['id'] for e in json.load(sys.stdin) if e['event'] == sys.argv[1]))" "$1")
    "$bin" annotate "$case_file" --event "$id" --tag incognito-leak --severity "$2" --note "$3" >/dev/null
}
annotate_first page_view finding "Visited URL sent to the analytics company while in incognito mode."
annotate_first search finding "Search term leaves the phone in incognito mode, only base64-encoded."
annotate_first '$AppViewScreen' notable "Opened screen reported in incognito mode."
real_case="$work/first-run.telltale"
"$bin" import "$real_case" tests/fixtures/real/har_tweasel-reporthar_android-first-run.har \
    --session android-first-run --mode normal >/dev/null
"$bin" import "$real_case" tests/fixtures/real/har_perfcascade_browsertime-filamentgroup.com.har \
    --session filamentgroup-page-load --mode normal >/dev/null
shot() { # CASE NAME ARGS...
    local case=$1 name=$2
    shift 2
    # The built-in file picker never waits for a desktop portal here.
    TELLTALE_FILE_PICKER=builtin xvfb-run --auto-servernum --server-args="-screen 0 1600x1000x24" \
        "$bin" gui "$case" --screenshot-to "screenshots/$name.png" "$@"
    echo "screenshots/$name.png"
}
mkdir -p screenshots
for view in timeline inspector what-left compare findings; do
    shot "$case_file" "$view" --view "$view"
done
shot "$real_case" requests --view requests
shot "$real_case" what-left-real --view what-left
shot "$case_file" dark --view inspector --theme dark
shot "$case_file" small --view inspector --size 1280x720

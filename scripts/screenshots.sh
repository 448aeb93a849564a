#!/usr/bin/env bash
# Regenerates screenshots/*.png from the built-in demo case at 1600×1000,
# with the real GUI under a virtual X server (xvfb-run).
# Needs: xvfb (apt-get install -y xvfb). Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case_file="$work/demo.telltale"
target/debug/telltale demo "$case_file" >/dev/null
# Three findings, as an investigator would mark them: a visited URL, a
# search term and an opened screen, all sent in incognito mode.
annotate_first() { # EVENT_NAME SEVERITY NOTE
    local id
    id=$(target/debug/telltale events "$case_file" --mode incognito --json |
        python3 -c "import json,sys; print(next(e['id'] for e in json.load(sys.stdin) if e['event'] == sys.argv[1]))" "$1")
    target/debug/telltale annotate "$case_file" --event "$id" --tag incognito-leak --severity "$2" --note "$3" >/dev/null
}
annotate_first page_view finding "Visited URL sent to the analytics company while in incognito mode."
annotate_first search finding "Search term leaves the phone in incognito mode, only base64-encoded."
annotate_first '$AppViewScreen' notable "Opened screen reported in incognito mode."
mkdir -p screenshots
for view in timeline inspector compare findings; do
    # The built-in file picker never waits for a desktop portal here.
    TELLTALE_FILE_PICKER=builtin xvfb-run --auto-servernum --server-args="-screen 0 1600x1000x24" \
        target/debug/telltale gui "$case_file" --view "$view" --screenshot-to "screenshots/$view.png"
    echo "screenshots/$view.png"
done

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
mkdir -p screenshots
for view in timeline inspector compare findings; do
    # The built-in file picker never waits for a desktop portal here.
    TELLTALE_FILE_PICKER=builtin xvfb-run --auto-servernum --server-args="-screen 0 1600x1000x24" \
        target/debug/telltale gui "$case_file" --view "$view" --screenshot-to "screenshots/$view.png"
    echo "screenshots/$view.png"
done

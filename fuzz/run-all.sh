#!/usr/bin/env bash
# Runs each fuzz target in turn for SECONDS_PER_TARGET (default 600), one
# process each, and keeps libFuzzer's log per target in LOGDIR (default
# fuzz/logs/). Build first (`cargo +nightly fuzz build -s none`): the built
# binaries are run as they are, so editing the sources meanwhile changes
# nothing. A target that finds something stops early; the others still run.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${SECONDS_PER_TARGET:-600}
logdir=${LOGDIR:-logs}
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p "$logdir"
targets=("$@")
if ((${#targets[@]} == 0)); then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== $target $(date -u +%FT%TZ)" >"$logdir/$target.log"
    "$bin/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" \
        -rss_limit_mb=1024 -timeout=10 -max_len=1048576 -print_final_stats=1 \
        >>"$logdir/$target.log" 2>&1
    echo "== exit $? $(date -u +%FT%TZ)" >>"$logdir/$target.log"
done

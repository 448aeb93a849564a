#!/usr/bin/env bash
# Measures how import, canary search and listing scale with the number of
# events, on generated HARs (one base64 JSON event per entry), and plots
# the figures: writes benches/results/scaling.csv and benches/results/scaling.png.
#   scripts/scaling.sh [SIZES...]   (default: 10000 100000 400000 1000000)
# Needs a release build (cargo build --release --examples) and python3 with
# matplotlib (pip install matplotlib) for the plot.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(10000 100000 400000 1000000)
bin=target/release/telltale
gen=target/release/examples/gen_bench
work=target/bench-data/scaling
mkdir -p "$work" benches/results
echo "events,import_s,search_s,events_json_s,sessions_s,case_mb,har_mb" > benches/results/scaling.csv
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); echo "$end - $start" | bc; }
for n in "${sizes[@]}"; do
    har=$work/$n.har case=$work/$n.telltale
    [[ -f $har ]] || "$gen" har "$n" "$har"
    rm -f "$case" "$case-wal" "$case-shm"
    import=$(seconds "$bin" import "$case" "$har")
    "$bin" search "$case" canary-000001 > /dev/null   # warm
    search=$(seconds "$bin" search "$case" canary-000001)
    listing=$(seconds "$bin" events "$case" --json)
    sessions=$(seconds "$bin" sessions "$case" --json)
    case_mb=$(( $(stat -c %s "$case") / 1000000 )) har_mb=$(( $(stat -c %s "$har") / 1000000 ))
    echo "$n,$import,$search,$listing,$sessions,$case_mb,$har_mb" | tee -a benches/results/scaling.csv
done
python3 - <<'PY'
import csv
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open("benches/results/scaling.csv")))
events = [int(r["events"]) for r in rows]
fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
for key, label in [("import_s", "import"), ("events_json_s", "events --json"), ("search_s", "search (warm)")]:
    ax.plot(events, [float(r[key]) for r in rows], marker="o", label=label)
ax.set_xscale("log"); ax.set_yscale("log")
ax.set_xlabel("events in the case"); ax.set_ylabel("seconds (process included)")
ax.set_title("Telltale scaling on generated HARs (log-log; slope 1 = linear)")
ax.grid(True, which="both", alpha=0.3); ax.legend()
fig.tight_layout(); fig.savefig("benches/results/scaling.png")
PY
echo "wrote benches/results/scaling.csv and benches/results/scaling.png"

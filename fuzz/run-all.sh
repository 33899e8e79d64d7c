#!/bin/sh
# Runs every fuzz target in turn for a fixed time, with libFuzzer's memory and time limits,
# and keeps each run's log in logs/TARGET.log. Usage: ./run-all.sh [SECONDS] [TARGET...]
# Builds go to $CARGO_TARGET_DIR when it is set, else to fuzz/target.
set -eu
cd "$(dirname "$0")"

seconds=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-ron_document threagile threat_dragon otm pytm iam cedar_policy}

mkdir -p logs
for target in $targets; do
    echo "== $target"
    cargo fuzz run "$target" -s none ${CARGO_TARGET_DIR:+--target-dir "$CARGO_TARGET_DIR"} \
        "corpus/$target" -- \
        -dict="dict/$target.dict" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"logs/$target.log" 2>&1 || echo "$target stopped with status $?"
    tail -n 14 "logs/$target.log" | grep -E '^(stat::|Done|==|SUMMARY|#)' || true
done

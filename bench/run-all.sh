#!/usr/bin/env bash
# Every benchmark in bench/, one after the other; the Markdown they print goes to stdout
# (append it to BENCHMARKS.md). Run it on an otherwise quiet machine: see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")"
for script in cache-hit.sh memory.sh miss-and-writes.sh miss-vs-proxy.sh vs-nginx.sh vendors.sh fleet.sh jobs.sh jobs_bounded.sh rate-limits.sh edge.sh events.sh; do
    if [ -x "$script" ]; then
        "./$script"
        echo
    fi
done

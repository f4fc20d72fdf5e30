#!/usr/bin/env bash
# The cache benchmark of issue 4 (see bench/README.md): cache-hit throughput and latency of
# label-gateway against a bare axum ceiling, both loaded by wrk from a second process with the
# same threads, connections and duration. Memory per cached customer: bench/memory.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
GATEWAY_PORT=${GATEWAY_PORT:-18080}
CEILING_PORT=${CEILING_PORT:-18081}
SAMPLE=564663098   # the vendor page's customer, five labels
KEY=bench-key

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null
fi

source bench/lib.sh label-gateway label-bench

wait_for() { # url [auth header]
    for _ in $(seq 1 100); do
        if curl -sf -o /dev/null ${2:+-H "$2"} "$1"; then return 0; fi
        sleep 0.1
    done
    echo "no answer from $1" >&2
    exit 1
}

"$BIN/synthetic-vendor" >"$work/vendor.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/vendor.out" ] && break; sleep 0.1; done
vendor_url=$(head -n1 "$work/vendor.out")

gateway=http://127.0.0.1:$GATEWAY_PORT
auth="Authorization: Bearer $KEY"
sample_path=/v1/tenants/bench/customers/$SAMPLE/labels
BENCH_VENDOR_URL=$vendor_url RUST_LOG=warn \
    "$GATEWAY_BIN" serve --config bench/bench.toml --listen "127.0.0.1:$GATEWAY_PORT" &
gateway_pid=$!
pids+=("$gateway_pid")
wait_for "$gateway/healthz"

# Throughput: the ceiling answers the exact bytes of the gateway's cached answer.
curl -sf -H "$auth" -o /dev/null "$gateway$sample_path"
curl -sf -H "$auth" -o "$work/body.json" -D "$work/headers" "$gateway$sample_path"
grep -qi '^cache-status: label-gateway; hit' "$work/headers" || {
    echo "the sample read is not a cache hit" >&2
    exit 1
}
"$BIN/ceiling" --listen "127.0.0.1:$CEILING_PORT" --body "$work/body.json" &
ceiling_pid=$!
pids+=("$ceiling_pid")
ceiling=http://127.0.0.1:$CEILING_PORT
wait_for "$ceiling$sample_path"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
load() { # name url pid: wrk's report, plus the server's CPU time per request in µs
    local before after
    before=$(cpu_ticks "$3")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$2" >"$work/$1.wrk"
    after=$(cpu_ticks "$3")
    if grep -q "Non-2xx" "$work/$1.wrk"; then
        cat "$work/$1.wrk" >&2
        exit 1
    fi
    awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" \
        '/requests in/ { printf "%.1f\n", t * 1e6 / hz / $1 }' "$work/$1.wrk" >"$work/$1.cpu"
}
field() { awk -v k="$2" '$1 == k { print $2 }' "$work/$1.wrk"; }
# Warm both up, then alternate them, so that a burst of other load on the machine falls on both.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$auth" "$ceiling$sample_path" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$auth" "$gateway$sample_path" >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
ceiling_sum=0
gateway_sum=0
for round in $(seq 1 "$ROUNDS"); do
    load "ceiling$round" "$ceiling$sample_path" "$ceiling_pid"
    load "gateway$round" "$gateway$sample_path" "$gateway_pid"
    c=$(field "ceiling$round" Requests/sec:)
    g=$(field "gateway$round" Requests/sec:)
    ceiling_sum=$(awk -v a="$ceiling_sum" -v b="$c" 'BEGIN { print a + b }')
    gateway_sum=$(awk -v a="$gateway_sum" -v b="$g" 'BEGIN { print a + b }')
    rows+="| $round | ceiling (bare axum, same bytes) | $c | $(field "ceiling$round" 50%) | $(field "ceiling$round" 99%) | $(cat "$work/ceiling$round.cpu") |"$'\n'
    rows+="| $round | label-gateway, cache hit | $g | $(field "gateway$round" 50%) | $(field "gateway$round" 99%) | $(cat "$work/gateway$round.cpu") |"$'\n'
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio=$(awk -v g="$gateway_sum" -v c="$ceiling_sum" 'BEGIN { printf "%.1f", 100 * g / c }')

cat <<EOF
## Cache benchmark, $(date -u +%Y-%m-%d)

- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)
- command: \`THREADS=$THREADS CONNECTIONS=$CONNECTIONS DURATION=$DURATION ROUNDS=$ROUNDS bench/cache-hit.sh\`
- load: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` from the same machine, after a 3 s warm-up
  of each; $ROUNDS rounds, each loading the ceiling, then the gateway

| round | target | req/s | p50 | p99 | server CPU µs/request |
| --- | --- | ---: | ---: | ---: | ---: |
$rows
Gateway / ceiling, requests/s summed over the rounds: **$ratio %** (target ≥ 90 %).
Load average (1, 5, 15 min) before the runs: $load_before; after: $load_after.
EOF

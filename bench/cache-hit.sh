#!/usr/bin/env bash
# The cache benchmark of issue 4 (see bench/README.md): cache-hit throughput and latency of
# label-gateway against a bare axum ceiling, both loaded by wrk from a second process with the
# same threads, connections and duration. Memory per cached customer: bench/memory.sh.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings THREADS=2 CONNECTIONS=64 DURATION=10s ROUNDS=3 GATEWAY_PORT=18080 CEILING_PORT=18081
SAMPLE=564663098   # the vendor page's customer, five labels
KEY=bench-key

build label-gateway label-bench
need wrk

synthetic_vendor
gateway=http://127.0.0.1:$GATEWAY_PORT
auth="Authorization: Bearer $KEY"
sample_path=/v1/tenants/bench/customers/$SAMPLE/labels
BENCH_VENDOR_URL=$vendor_url start_gateway gateway "$GATEWAY_PORT" bench/bench.toml
gateway_pid=$started

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

load() { # name url pid: wrk's report, plus the server's CPU time per request in µs
    local before after
    before=$(cpu_ticks "$3")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$2" >"$work/$1.wrk"
    after=$(cpu_ticks "$3")
    if grep -q "Non-2xx" "$work/$1.wrk"; then
        cat "$work/$1.wrk" >&2
        exit 1
    fi
    cpu_per_request "$1" $((after - before)) >"$work/$1.cpu"
}
# Warm both up, then alternate them, so that a burst of other load on the machine falls on both.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$auth" "$ceiling$sample_path" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$auth" "$gateway$sample_path" >/dev/null
load_before=$(loadavg)
rows=""
ceiling_sum=0
gateway_sum=0
for round in $(seq 1 "$ROUNDS"); do
    load "ceiling$round" "$ceiling$sample_path" "$ceiling_pid"
    load "gateway$round" "$gateway$sample_path" "$gateway_pid"
    c=$(rps "ceiling$round")
    g=$(rps "gateway$round")
    ceiling_sum=$(add "$ceiling_sum" "$c")
    gateway_sum=$(add "$gateway_sum" "$g")
    rows+="| $round | ceiling (bare axum, same bytes) | $c | $(wrk_field "ceiling$round" 50%) | $(wrk_field "ceiling$round" 99%) | $(cat "$work/ceiling$round.cpu") |"$'\n'
    rows+="| $round | label-gateway, cache hit | $g | $(wrk_field "gateway$round" 50%) | $(wrk_field "gateway$round" 99%) | $(cat "$work/gateway$round.cpu") |"$'\n'
done
load_after=$(loadavg)
ratio=$(pct "$gateway_sum" "$ceiling_sum")

cat <<EOF
## Cache benchmark, $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`THREADS=$THREADS CONNECTIONS=$CONNECTIONS DURATION=$DURATION ROUNDS=$ROUNDS bench/cache-hit.sh\`
- load: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\` from the same machine, after a 3 s warm-up
  of each; $ROUNDS rounds, each loading the ceiling, then the gateway

| round | target | req/s | p50 | p99 | server CPU µs/request |
| --- | --- | ---: | ---: | ---: | ---: |
$rows
Gateway / ceiling, requests/s summed over the rounds: **$ratio %** (target ≥ 90 %).
Load average (1, 5, 15 min) before the runs: $load_before; after: $load_after.
EOF

#!/usr/bin/env bash
# Issue 27's per-client limit benchmarks (see bench/README.md), each side by side in one run:
# (1) cache-hit throughput of a rate-limited key (a limit too high to refuse) against an
# unlimited key of the same tenant, in one process and on a replica with [state] (where the
# limited key's cells are leased from Redis); (2) two replicas sharing Redis holding a
# RATE req/s key: the 200s the client gets in any 10 s, counted by the load generator.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings THREADS=2 CONNECTIONS=64 DURATION=5s ROUNDS=3 RATE=100 BURST=50 FLEET_SECONDS=30 \
    FLEET_ROUNDS=2 GATEWAY_PORT=18194 REDIS_PORT=18479
SAMPLE=564663098

build label-gateway label-sim label-bench
need wrk
start_redis "$REDIS_PORT"
bench_vendors 0

keys=$(printf '[\n  "free-key",\n  %s,\n  %s,\n]' \
    '{ key = "rated-key", requests_per_second = 1000000, burst = 1000000 }' \
    "{ key = \"fleet-key\", requests_per_second = $RATE, burst = $BURST }")
config() { # file admin-port with-state(0/1)
    {
        server_table "$2"
        if [ "$3" = 1 ]; then state_table "$REDIS_PORT"; fi
        printf '[cache]\nttl_seconds = 3600\n\n'
        capillary_tenant bench "$cap_url" "$keys" "max_in_flight = 1024"
    } >"$1"
}
path=/v1/tenants/bench/customers/$SAMPLE/labels

config "$work/a.toml" $((GATEWAY_PORT + 100)) 1
config "$work/b.toml" $((GATEWAY_PORT + 101)) 1
config "$work/local.toml" $((GATEWAY_PORT + 102)) 0
start_gateway a "$GATEWAY_PORT" "$work/a.toml"; a_pid=$started
start_gateway b $((GATEWAY_PORT + 1)) "$work/b.toml"
start_gateway local $((GATEWAY_PORT + 2)) "$work/local.toml"; local_pid=$started
a=http://127.0.0.1:$GATEWAY_PORT
b=http://127.0.0.1:$((GATEWAY_PORT + 1))
local=http://127.0.0.1:$((GATEWAY_PORT + 2))
connected "$a" "$b"

# --- (1) cache hits: a limited key against an unlimited one, alternating ---------------------
curl -sf -H "Authorization: Bearer rated-key" -D "$work/rated.headers" -o /dev/null "$local$path"
grep -qi '^ratelimit-policy:' "$work/rated.headers" || { echo "the rated key has no RateLimit-Policy" >&2; exit 1; }
for url in "$local" "$a"; do
    for key in free-key rated-key; do
        curl -sf -H "Authorization: Bearer $key" -o /dev/null "$url$path"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $key" "$url$path" >/dev/null
    done
done
declare -A sum cpu_sum
hit_rows=""
spread=""
for where in local state; do
    url=$local; pid=$local_pid
    [ "$where" = state ] && { url=$a; pid=$a_pid; }
    for round in $(seq 1 "$ROUNDS"); do
        for key in free-key rated-key; do
            run="$where-$key-$round"
            before=$(cpu_ticks "$pid")
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $key" "$url$path" >"$work/$run.wrk"
            after=$(cpu_ticks "$pid")
            cpu=$(cpu_per_request "$run" $((after - before)) 2)
            cpu_sum[$where-$key]=$(add "${cpu_sum[$where-$key]:-0}" "$cpu")
            grep -q "Non-2xx" "$work/$run.wrk" && { cat "$work/$run.wrk" >&2; exit 1; }
            sum[$where-$key]=$(add "${sum[$where-$key]:-0}" "$(rps "$run")")
            hit_rows+="| $where | $round | $key | $(rps "$run") | $(wrk_field "$run" 50%) | $(wrk_field "$run" 99%) | $cpu |"$'\n'
        done
        spread+="$where round $round: $(pct "$(rps "$where-rated-key-$round")" "$(rps "$where-free-key-$round")") %; "
    done
done

# --- (2) two replicas holding one key to RATE req/s ------------------------------------------
fleet_rows=""
for round in $(seq 1 "$FLEET_ROUNDS"); do
    redis-cli -p "$REDIS_PORT" --scan --pattern 'bench:rate:*' | xargs -r redis-cli -p "$REDIS_PORT" del >/dev/null
    sleep 1
    out=$("$BIN/rate-probe" --url "$a" --url "$b" --key fleet-key --path "$path" \
        --connections 8 --seconds "$FLEET_SECONDS" --window 10)
    field() { tr ' ' '\n' <<<"$out" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
    fleet_rows+="| $round | $(field admitted) | $(field refused) | $(field max_window) | **$(field max_per_second)** | $(field windows) |"$'\n'
done

cat <<MD
## Per-client rate limits, $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`ROUNDS=$ROUNDS DURATION=$DURATION RATE=$RATE BURST=$BURST FLEET_SECONDS=$FLEET_SECONDS bench/rate-limits.sh\`
- processes on loopback: redis-server $(redis-server --version | awk '{ print $3 }'), the Capillary simulator, replicas A and B
  with \`[state]\`, one gateway without it; wrk and \`rate-probe\` from others

### Cache hits: a limited key against an unlimited one (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, alternating)

\`rated-key\` has \`requests_per_second = 1000000, burst = 1000000\` (never refused, every answer carries
\`RateLimit\`); \`free-key\` has no limit. "local": no \`[state]\` (governor); "state": replica A, cells leased from Redis.

| where | round | key | req/s | p50 | p99 | server CPU µs/request |
| --- | ---: | --- | ---: | ---: | ---: | ---: |
$hit_rows
- limited / unlimited, summed: local **$(pct "${sum[local-rated-key]}" "${sum[local-free-key]}") %**, with \`[state]\`
  **$(pct "${sum[state-rated-key]}" "${sum[state-free-key]}") %** (target ≥ 95 %); per round: $spread
- server CPU per request, limited / unlimited (summed over the rounds; less sensitive to other load on the
  machine than req/s): local $(pct "${cpu_sum[local-rated-key]}" "${cpu_sum[local-free-key]}") %, with \`[state]\` $(pct "${cpu_sum[state-rated-key]}" "${cpu_sum[state-free-key]}") %

### Two replicas holding a $RATE req/s key (burst $BURST)

\`rate-probe\`: 8 connections on each replica sending \`fleet-key\`'s reads (cache hits) as fast as answered
for ${FLEET_SECONDS} s; the 200s counted at the client, the most in any 10 s (sliding over the exact times) and in fixed 10 s windows
from the start. GCRA's bound over 10 s is $((RATE * 10 + BURST)); target ≤ $((RATE * 11)) (110 a second).

| round | 200s | 429s | most 200s in any 10 s | per second | fixed 10 s windows |
| ---: | ---: | ---: | ---: | ---: | --- |
$fleet_rows
MD

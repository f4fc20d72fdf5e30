#!/usr/bin/env bash
# Issue 27's per-client limit benchmarks (see bench/README.md), each side by side in one run:
# (1) cache-hit throughput of a rate-limited key (a limit too high to refuse) against an
# unlimited key of the same tenant, in one process and on a replica with [state] (where the
# limited key's cells are leased from Redis); (2) two replicas sharing Redis holding a
# RATE req/s key: the 200s the client gets in any 10 s, counted by the load generator.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
RATE=${RATE:-100}
BURST=${BURST:-50}
FLEET_SECONDS=${FLEET_SECONDS:-30}
FLEET_ROUNDS=${FLEET_ROUNDS:-2}
GATEWAY_PORT=${GATEWAY_PORT:-18194}
REDIS_PORT=${REDIS_PORT:-18479}
SAMPLE=564663098

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
source bench/lib.sh label-gateway label-sim label-bench

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
pids+=($!)
"$BIN/bench-vendors" 0 >"$work/vendors.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -f "$work/vendors.out" ] && [ "$(wc -l <"$work/vendors.out")" -ge 2 ] && break; sleep 0.1; done
cap_url=$(awk '$1 == "capillary" { print $2 }' "$work/vendors.out")

config() { # file admin-port with-state(0/1)
    {
        printf '[server]\nadmin_listen = "127.0.0.1:%s"\n\n' "$2"
        [ "$3" = 1 ] && printf '[state]\nredis_url = "redis://127.0.0.1:%s"\nkey_prefix = "bench"\n\n' "$REDIS_PORT"
        printf '[cache]\nttl_seconds = 3600\n\n[tenants.bench]\nprovider = "capillary"\nbase_url = "%s"\n' "$cap_url"
        printf 'username = "demo_till"\npassword = "demo-password"\nmax_in_flight = 1024\n'
        printf 'api_keys = [\n  "free-key",\n'
        printf '  { key = "rated-key", requests_per_second = 1000000, burst = 1000000 },\n'
        printf '  { key = "fleet-key", requests_per_second = %s, burst = %s },\n]\n' "$RATE" "$BURST"
    } >"$1"
}
start() { # name port config: the gateway's pid in $started
    RUST_LOG=warn "$GATEWAY_BIN" serve --config "$3" --listen "127.0.0.1:$2" >"$work/$1.log" 2>&1 &
    started=$!
    pids+=("$started")
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/healthz" && return; sleep 0.1; done
    echo "gateway $1 did not start" >&2; exit 1
}
path=/v1/tenants/bench/customers/$SAMPLE/labels

config "$work/a.toml" $((GATEWAY_PORT + 100)) 1
config "$work/b.toml" $((GATEWAY_PORT + 101)) 1
config "$work/local.toml" $((GATEWAY_PORT + 102)) 0
start a "$GATEWAY_PORT" "$work/a.toml"; a_pid=$started
start b $((GATEWAY_PORT + 1)) "$work/b.toml"
start local $((GATEWAY_PORT + 2)) "$work/local.toml"; local_pid=$started
a=http://127.0.0.1:$GATEWAY_PORT
b=http://127.0.0.1:$((GATEWAY_PORT + 1))
local=http://127.0.0.1:$((GATEWAY_PORT + 2))
for _ in $(seq 1 100); do curl -sf "$a/readyz" | grep -q connected && curl -sf "$b/readyz" | grep -q connected && break; sleep 0.1; done

# --- (1) cache hits: a limited key against an unlimited one, alternating ---------------------
curl -sf -H "Authorization: Bearer rated-key" -D "$work/rated.headers" -o /dev/null "$local$path"
grep -qi '^ratelimit-policy:' "$work/rated.headers" || { echo "the rated key has no RateLimit-Policy" >&2; exit 1; }
for url in "$local" "$a"; do
    for key in free-key rated-key; do
        curl -sf -H "Authorization: Bearer $key" -o /dev/null "$url$path"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $key" "$url$path" >/dev/null
    done
done
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rps() { awk '$1 == "Requests/sec:" { print $2 }' "$work/$1.wrk"; }
pct() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", 100 * x / y }'; }
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
            cpu=$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" '/requests in/ { printf "%.2f", t * 1e6 / hz / $1 }' "$work/$run.wrk")
            cpu_sum[$where-$key]=$(awk -v s="${cpu_sum[$where-$key]:-0}" -v x="$cpu" 'BEGIN { print s + x }')
            grep -q "Non-2xx" "$work/$run.wrk" && { cat "$work/$run.wrk" >&2; exit 1; }
            sum[$where-$key]=$(awk -v s="${sum[$where-$key]:-0}" -v x="$(rps "$run")" 'BEGIN { print s + x }')
            hit_rows+="| $where | $round | $key | $(rps "$run") | $(awk '$1 == "50%" { print $2 }' "$work/$run.wrk") | $(awk '$1 == "99%" { print $2 }' "$work/$run.wrk") | $cpu |"$'\n'
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

- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)
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

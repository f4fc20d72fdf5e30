#!/usr/bin/env bash
# Issue 14's benchmarks (see bench/README.md), each side by side in one run: cache-hit
# throughput with [state] against without it and against the bare-axum ceiling; the delay from
# a change answered by replica A to replica B dropping its entry; what an Idempotency-Key costs
# with Redis against in the process; and the vendor budget's accuracy over two replicas.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings THREADS=2 CONNECTIONS=64 DURATION=5s ROUNDS=3 BUDGET_PER_MINUTE=1200 BUDGET_SECONDS=120 \
    GATEWAY_PORT=18094 REDIS_PORT=18379
SAMPLE=564663098
KEY=bench-key

build label-gateway label-sim label-bench
need wrk
start_redis "$REDIS_PORT"
bench_vendors 0

config() { # file admin-port with-state(0/1) [tenant lines]
    {
        server_table "$2"
        if [ "$3" = 1 ]; then state_table "$REDIS_PORT"; fi
        printf '[cache]\nttl_seconds = 3600\n\n'
        capillary_tenant bench "$cap_url" "[\"$KEY\"]" "max_in_flight = 1024" "${4:-}"
    } >"$1"
}
path=/v1/tenants/bench/customers/$SAMPLE/labels
auth="Authorization: Bearer $KEY"

config "$work/a.toml" $((GATEWAY_PORT + 100)) 1
config "$work/b.toml" $((GATEWAY_PORT + 101)) 1
config "$work/local.toml" $((GATEWAY_PORT + 102)) 0
start_gateway a "$GATEWAY_PORT" "$work/a.toml"; a_pid=$started
start_gateway b $((GATEWAY_PORT + 1)) "$work/b.toml"; b_pid=$started
start_gateway local $((GATEWAY_PORT + 2)) "$work/local.toml"; local_pid=$started
a=http://127.0.0.1:$GATEWAY_PORT
b=http://127.0.0.1:$((GATEWAY_PORT + 1))
local=http://127.0.0.1:$((GATEWAY_PORT + 2))
connected "$a" "$b"

# --- (1) cache hits: with [state], without, and the ceiling -----------------------------------
curl -sf -H "$auth" -o "$work/body.json" "$local$path"
"$BIN/ceiling" --listen "127.0.0.1:$((GATEWAY_PORT + 3))" --body "$work/body.json" &
ceiling_pid=$!; pids+=("$ceiling_pid")
ceiling=http://127.0.0.1:$((GATEWAY_PORT + 3))
wait_for "$ceiling$path"
for url in "$a" "$local" "$ceiling"; do
    curl -sf -H "$auth" -o /dev/null "$url$path"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "$auth" "$url$path" >/dev/null
done
declare -A sum
hit_rows=""
for round in $(seq 1 "$ROUNDS"); do
    for who in state local ceiling; do
        case $who in state) url=$a ;; local) url=$local ;; ceiling) url=$ceiling ;; esac
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$url$path" >"$work/$who$round.wrk"
        grep -q "Non-2xx" "$work/$who$round.wrk" && { cat "$work/$who$round.wrk" >&2; exit 1; }
        sum[$who]=$(add "${sum[$who]:-0}" "$(rps "$who$round")")
        hit_rows+="| $round | $who | $(rps "$who$round") | $(wrk_field "$who$round" 50%) | $(wrk_field "$who$round" 99%) |"$'\n'
    done
done

# --- (2) invalidation delay, (3) what an Idempotency-Key costs -------------------------------
invalidation=$("$BIN/fleet-probe" invalidation --a "$a" --b "$b" --key "$KEY" --path "$path" --rounds 300)
plain_state=$("$BIN/fleet-probe" changes --url "$a" --key "$KEY" --path "$path" --rounds 500)
idem_state=$("$BIN/fleet-probe" changes --url "$a" --key "$KEY" --path "$path" --rounds 500 --idempotent)
plain_local=$("$BIN/fleet-probe" changes --url "$local" --key "$KEY" --path "$path" --rounds 500)
idem_local=$("$BIN/fleet-probe" changes --url "$local" --key "$KEY" --path "$path" --rounds 500 --idempotent)
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

# --- (4) the budget over two replicas --------------------------------------------------------
kill "$a_pid" "$b_pid" "$local_pid" 2>/dev/null || true
burst=$((BUDGET_PER_MINUTE / 10))
config "$work/a.toml" $((GATEWAY_PORT + 100)) 1 "vendor_requests_per_minute = $BUDGET_PER_MINUTE
timeout_ms = 60000"
config "$work/b.toml" $((GATEWAY_PORT + 101)) 1 "vendor_requests_per_minute = $BUDGET_PER_MINUTE
timeout_ms = 60000"
start_gateway a "$GATEWAY_PORT" "$work/a.toml"
start_gateway b $((GATEWAY_PORT + 1)) "$work/b.toml"
connected "$a" "$b"
redis-cli -p "$REDIS_PORT" del bench:budget:bench >/dev/null
# Vendor calls both replicas made. The same counter keeps, under outcomes of their own, the
# calls that never reached the vendor (refused by the budget, no slot, the circuit open, no time
# left): those are left out, or a refused storm would read as calls over the budget.
calls() {
    for port in $((GATEWAY_PORT + 100)) $((GATEWAY_PORT + 101)); do curl -s "http://127.0.0.1:$port/metrics"; done |
        awk 'index($0, "label_gateway_vendor_calls_total{") == 1 &&
            $0 !~ /outcome="(budget|in_flight|circuit_open|deadline)"/ { n += $NF } END { print n + 0 }'
}
fresh="Cache-Control: no-cache"
wrk -t1 -c16 -d"${BUDGET_SECONDS}s" --timeout 90s -H "$auth" -H "$fresh" "$a$path" >"$work/budget-a.wrk" &
wa=$!
wrk -t1 -c16 -d"${BUDGET_SECONDS}s" --timeout 90s -H "$auth" -H "$fresh" "$b$path" >"$work/budget-b.wrk" &
wb=$!
sleep 60
at_60=$(calls)
sleep $((BUDGET_SECONDS - 60))
at_end=$(calls)
wait "$wa" "$wb" || true
steady_minutes=$(awk -v s="$BUDGET_SECONDS" 'BEGIN { print (s - 60) / 60 }')
per_minute=$(awk -v x="$at_60" -v y="$at_end" -v m="$steady_minutes" 'BEGIN { printf "%.0f", (y - x) / m }')

cat <<MD
## Fleet benchmarks, $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`ROUNDS=$ROUNDS DURATION=$DURATION BUDGET_PER_MINUTE=$BUDGET_PER_MINUTE BUDGET_SECONDS=$BUDGET_SECONDS bench/fleet.sh\`
- processes on loopback: redis-server $(redis-server --version | awk '{ print $3 }'), the Capillary simulator, replicas A and B
  with \`[state]\`, one gateway without it, the bare-axum ceiling; wrk and \`fleet-probe\` from others

### Cache hits (wrk -t$THREADS -c$CONNECTIONS -d$DURATION, alternating)

| round | target | req/s | p50 | p99 |
| ---: | --- | ---: | ---: | ---: |
$hit_rows
- with \`[state]\` / without: **$(pct "${sum[state]}" "${sum[local]}") %** (target ≥ 95 %); with \`[state]\` / ceiling:
  **$(pct "${sum[state]}" "${sum[ceiling]}") %**; without / ceiling: $(pct "${sum[local]}" "${sum[ceiling]}") % (target ≥ 90 %)

### Invalidation delay: A's change answered → B no longer answers from its entry

300 rounds (\`fleet-probe invalidation\`): p50 **$(field "$invalidation" p50_us) µs**, p99 **$(field "$invalidation" p99_us) µs**,
max $(field "$invalidation" max_us) µs (target p99 ≤ 10 ms). The probe reads B in a loop after A answers, so
its resolution is one read of B.

### What an Idempotency-Key costs (500 changes one after another, each its own key)

| | plain p50 | plain p99 | with key p50 | with key p99 | added p50 | added p99 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| Redis (\`[state]\`) | $(field "$plain_state" p50_us) | $(field "$plain_state" p99_us) | $(field "$idem_state" p50_us) | $(field "$idem_state" p99_us) | $(( $(field "$idem_state" p50_us) - $(field "$plain_state" p50_us) )) | $(( $(field "$idem_state" p99_us) - $(field "$plain_state" p99_us) )) |
| in the process | $(field "$plain_local" p50_us) | $(field "$plain_local" p99_us) | $(field "$idem_local" p50_us) | $(field "$idem_local" p99_us) | $(( $(field "$idem_local" p50_us) - $(field "$plain_local" p50_us) )) | $(( $(field "$idem_local" p99_us) - $(field "$plain_local" p99_us) )) |

(µs; the changes toggle one label on the sample customer, so each is a fresh read and a write.)

### The budget over two replicas

\`vendor_requests_per_minute = $BUDGET_PER_MINUTE\` (burst $burst), both replicas loaded with uncached reads (16
connections each) for ${BUDGET_SECONDS} s. Vendor calls in the first minute (burst included): $at_60; after it, **$per_minute a
minute** against the budget's $BUDGET_PER_MINUTE: **$(pct "$per_minute" "$BUDGET_PER_MINUTE") %** (target 100 ± 2 %).
MD

#!/usr/bin/env bash
# Issue 24's budget run: two replicas on one Redis, a tenant with vendor_requests_per_minute =
# 120 (burst 12) before a vendor answering in VENDOR_MS, CLIENTS clients per replica for
# SECONDS, first retrying at once on any answer, then (replicas and Redis fresh) polite ones
# honouring Retry-After. Prints, per run: the answers by status, the calls that reached the
# vendor (and how many were 200s), the breaker opens, and the 200s' median latency.
# GATEWAY_BIN=path runs another build of the gateway (e.g. an older commit's) with the same
# clients and vendor.
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_RUN=${SECONDS_RUN:-60}
CLIENTS=${CLIENTS:-16}
VENDOR_MS=${VENDOR_MS:-20}
GATEWAY_PORT=${GATEWAY_PORT:-18194}
REDIS_PORT=${REDIS_PORT:-18479}
SAMPLE=564663098

command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
source bench/lib.sh label-gateway label-bench

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
pids+=($!)
"$BIN/storm" vendor "$VENDOR_MS" >"$work/vendor.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/vendor.out" ] && break; sleep 0.1; done
vendor_url=$(head -1 "$work/vendor.out")

config() { # file admin-port
    printf '[server]\nadmin_listen = "127.0.0.1:%s"\n\n[state]\nredis_url = "redis://127.0.0.1:%s"\nkey_prefix = "storm"\n\n' "$2" "$REDIS_PORT" >"$1"
    printf '[tenants.bench]\nprovider = "capillary"\nbase_url = "%s"\nusername = "demo_till"\npassword = "demo-password"\n' "$vendor_url" >>"$1"
    printf 'api_keys = ["bench-key"]\nvendor_requests_per_minute = 120\nvendor_burst = 12\n' >>"$1"
}
start() { # name port admin-port: the pid in $started
    config "$work/$1.toml" "$3"
    RUST_LOG=warn "$GATEWAY_BIN" serve --config "$work/$1.toml" --listen "127.0.0.1:$2" >"$work/$1.log" 2>&1 &
    started=$!
    pids+=("$started")
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/readyz" | grep -q connected && return; sleep 0.1; done
    echo "gateway $1 did not connect" >&2; exit 1
}
vendor_calls() { # admin-port outcome: that outcome's count in label_gateway_vendor_calls_total
    curl -sf "http://127.0.0.1:$1/metrics" | awk -v o="outcome=\"$2\"" '
        /^label_gateway_vendor_calls_total\{/ && index($0, o) { n += $NF } END { print n + 0 }'
}

run() { # mode
    redis-cli -p "$REDIS_PORT" flushall >/dev/null
    start a "$GATEWAY_PORT" $((GATEWAY_PORT + 100)); a_pid=$started
    start b $((GATEWAY_PORT + 1)) $((GATEWAY_PORT + 101)); b_pid=$started
    urls=()
    for _ in $(seq 1 "$CLIENTS"); do
        urls+=("http://127.0.0.1:$GATEWAY_PORT/v1/tenants/bench/customers/$SAMPLE/labels")
        urls+=("http://127.0.0.1:$((GATEWAY_PORT + 1))/v1/tenants/bench/customers/$SAMPLE/labels")
    done
    answers=$("$BIN/storm" clients "$SECONDS_RUN" "$1" "${urls[@]}")
    ok=$(( $(vendor_calls $((GATEWAY_PORT + 100)) ok) + $(vendor_calls $((GATEWAY_PORT + 101)) ok) ))
    opens=$(cat "$work/a.log" "$work/b.log" | grep -c "circuit opened" || true)
    allowed=$(( 120 * SECONDS_RUN / 60 + 12 ))
    echo "| $1 | $answers | $ok of $allowed allowed | $opens |"
    kill "$a_pid" "$b_pid"; wait "$a_pid" "$b_pid" 2>/dev/null || true
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); gateway: $GATEWAY_BIN; vendor answers in $VENDOR_MS ms"
echo "| clients | answers (status=count, 200s' latency) | vendor 200s | breaker opens |"
echo "| --- | --- | --- | --- |"
run retry
run polite
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

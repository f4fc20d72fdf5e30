#!/usr/bin/env bash
# Issue 24's budget run: two replicas on one Redis, a tenant with vendor_requests_per_minute =
# 120 (burst 12) before a vendor answering in VENDOR_MS, CLIENTS clients per replica for
# SECONDS, first retrying at once on any answer, then (replicas and Redis fresh) polite ones
# honouring Retry-After. Prints, per run: the answers by status, the calls that reached the
# vendor (and how many were 200s), the breaker opens, and the 200s' median latency.
# GATEWAY_BIN=path runs another build of the gateway (e.g. an older commit's) with the same
# clients and vendor.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings SECONDS_RUN=60 CLIENTS=16 VENDOR_MS=20 GATEWAY_PORT=18194 REDIS_PORT=18479
SAMPLE=564663098

build label-gateway label-bench
start_redis "$REDIS_PORT"
spawn vendor "$BIN/storm" vendor "$VENDOR_MS"
vendor_url=$(printed vendor)

start() { # name port admin-port: the pid in $started, once its Redis link is up
    {
        server_table "$3"
        state_table "$REDIS_PORT" storm
        capillary_tenant bench "$vendor_url" '["bench-key"]' \
            "vendor_requests_per_minute = 120" "vendor_burst = 12"
    } >"$work/$1.toml"
    start_gateway "$1" "$2" "$work/$1.toml"
    connected "http://127.0.0.1:$2"
}
vendor_calls() { # admin-port outcome: that outcome's count in label_gateway_vendor_calls_total
    metric_sum label_gateway_vendor_calls_total "outcome=\"$2\"" "http://127.0.0.1:$1"
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
    stop "$a_pid" "$b_pid"
}

echo "load before: $(loadavg); gateway: $GATEWAY_BIN; vendor answers in $VENDOR_MS ms"
echo "| clients | answers (status=count, 200s' latency) | vendor 200s | breaker opens |"
echo "| --- | --- | --- | --- |"
run retry
run polite
echo "load after: $(loadavg)"

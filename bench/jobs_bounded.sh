#!/usr/bin/env bash
# Issue 23's figures (see bench/README.md): what a 1 000 000-customer change job costs the
# gateway's resident memory while it is submitted and runs, what an ended one keeps (three jobs
# one after another, RSS after each), and what it costs Redis with [state] (used_memory after
# each). The synthetic Capillary vendor, no budget. Prints a Markdown section.
set -euo pipefail

cd "$(dirname "$0")/.."
BIG=${BIG:-1000000}
JOBS=${JOBS:-3}
GATEWAY_PORT=${GATEWAY_PORT:-18196}
REDIS_PORT=${REDIS_PORT:-16496}
KEY=bench-key

command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
source bench/lib.sh label-gateway label-bench

"$BIN/synthetic-vendor" >"$work/vendor.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/vendor.out" ] && break; sleep 0.1; done
vendor_url=$(head -n1 "$work/vendor.out")

config() { # file admin-port [state section]
    printf '[server]\nadmin_listen = "127.0.0.1:%s"\n\n%s\n\n' "$2" "${3:-}" >"$1"
    printf '[tenants.bench]\nprovider = "capillary"\nbase_url = "%s"\ncache_ttl_seconds = 0\n' "$vendor_url" >>"$1"
    printf 'username = "demo_till"\npassword = "demo-password"\napi_keys = ["%s"]\n' "$KEY" >>"$1"
}
start() { # name port config: the gateway's pid in $started
    RUST_LOG=warn "$GATEWAY_BIN" serve --config "$3" --listen "127.0.0.1:$2" >"$work/$1.log" 2>&1 &
    started=$!
    pids+=("$started")
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$2/healthz" && return; sleep 0.1; done
    echo "gateway $1 did not start" >&2; exit 1
}
body() { # first count file
    seq "$1" $(($1 + $2 - 1)) | awk 'BEGIN { printf "{\"kind\":\"change\",\"add\":[{\"name\":\"VIP\"}],\"remove\":[{\"name\":\"Newsletter\"}],\"customers\":[" }
        { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { print "]}" }' >"$3"
}
auth="Authorization: Bearer $KEY"
submit() { # url body-file: the job's id
    curl -sf -H "$auth" -H 'Content-Type: application/json' --data-binary "@$2" \
        "$1/v1/tenants/bench/jobs" | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
job() { curl -sf -H "$auth" "$1/v1/tenants/bench/jobs/$2"; }
kib() { awk -v f="$2" '$1 == f":" { print $2 }' "/proc/$1/status"; }
redis_used() { redis-cli -p "$REDIS_PORT" info memory | awk -F: '$1 == "used_memory" { print $2 + 0 }'; }

runs() { # url pid with-redis: one table row per job
    local before rss_max sample id redis_before
    curl -sf -H "$auth" -o /dev/null "$1/v1/tenants/bench/customers/1/labels" || true
    before=$(kib "$2" VmRSS)
    [ "$3" = yes ] && redis_before=$(redis_used)
    echo "| before | | $((before / 1024)) MiB | |"
    for n in $(seq 1 "$JOBS"); do
        rss_max=$(kib "$2" VmRSS)
        id=$(submit "$1" "$work/big.json")
        while :; do
            sample=$(kib "$2" VmRSS); [ "$sample" -gt "$rss_max" ] && rss_max=$sample
            job "$1" "$id" | grep -qE '"state":"(succeeded|failed|cancelled)"' && break
            sleep 0.2
        done
        sample=$(kib "$2" VmRSS)
        local redis_cell=""
        [ "$3" = yes ] && redis_cell=$(awk -v u="$(redis_used)" -v b="$redis_before" -v n="$n" -v c="$BIG" 'BEGIN { printf "%.1f bytes a customer", (u - b) / n / c }')
        echo "| job $n | $((rss_max / 1024)) MiB | $((sample / 1024)) MiB ($(((sample - before) / n / 1024)) MiB a job kept) | $redis_cell |"
    done
}

body 3000000 "$BIG" "$work/big.json"
config "$work/local.toml" $((GATEWAY_PORT + 100))
start local "$GATEWAY_PORT" "$work/local.toml"; local_pid=$started
local_rows=$(runs "http://127.0.0.1:$GATEWAY_PORT" "$local_pid" no)
local_hwm=$(kib "$local_pid" VmHWM)
kill "$local_pid"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
pids+=($!)
for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
config "$work/durable.toml" $((GATEWAY_PORT + 101)) \
    "$(printf '[state]\nredis_url = "redis://127.0.0.1:%s"\nkey_prefix = "bench"' "$REDIS_PORT")"
start durable $((GATEWAY_PORT + 1)) "$work/durable.toml"; durable_pid=$started
durable_rows=$(runs "http://127.0.0.1:$((GATEWAY_PORT + 1))" "$durable_pid" yes)

cat <<MD
## Jobs bounded (issue 23): \`bench/jobs_bounded.sh\`

$(date -u '+%F %H:%M') UTC, $(nproc) CPUs; \`label-gateway serve\` (release) on \`synthetic-vendor\`, one
Capillary tenant, no budget, default \`[jobs]\`. $JOBS change jobs of $BIG customers one after
another (body $(du -h "$work/big.json" | cut -f1)), each to its end.

Without \`[state]\` (jobs in the process; \`VmHWM\` at the end $((local_hwm / 1024)) MiB):

| | highest \`VmRSS\` sampled while it ran | \`VmRSS\` after it ended | Redis |
| --- | --- | --- | --- |
$local_rows

With \`[state]\` (redis-server $(redis-server --version | awk '{ print $3 }'), no persistence; Redis \`used_memory\` growth per job
and customer):

| | highest \`VmRSS\` sampled while it ran | \`VmRSS\` after it ended | Redis |
| --- | --- | --- | --- |
$durable_rows

Load average after: $(cut -d' ' -f1-3 /proc/loadavg).
MD

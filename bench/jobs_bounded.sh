#!/usr/bin/env bash
# Issue 23's figures (see bench/README.md): what a 1 000 000-customer change job costs the
# gateway's resident memory while it is submitted and runs, what an ended one keeps (three jobs
# one after another, RSS after each), and what it costs Redis with [state] (used_memory after
# each). The synthetic Capillary vendor, no budget. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings BIG=1000000 JOBS=3 GATEWAY_PORT=18196 REDIS_PORT=16496
KEY=bench-key

build label-gateway label-bench
synthetic_vendor

config() { # file admin-port [state section]
    { server_table "$2"; echo "${3:-}"; capillary_tenant bench "$vendor_url" "[\"$KEY\"]" "cache_ttl_seconds = 0"; } >"$1"
}
auth="Authorization: Bearer $KEY"
redis_used() { redis-cli -p "$REDIS_PORT" info memory | awk -F: '$1 == "used_memory" { print $2 + 0 }'; }

runs() { # url pid with-redis: one table row per job
    local before rss_max sample id redis_before
    curl -sf -H "$auth" -o /dev/null "$1/v1/tenants/bench/customers/1/labels" || true
    before=$(kib "$2" VmRSS)
    [ "$3" = yes ] && redis_before=$(redis_used)
    echo "| before | | $((before / 1024)) MiB | |"
    for n in $(seq 1 "$JOBS"); do
        rss_max=$(kib "$2" VmRSS)
        id=$(submit_job "$1" "$work/big.json")
        while :; do
            sample=$(kib "$2" VmRSS); [ "$sample" -gt "$rss_max" ] && rss_max=$sample
            job_ended "$(job_view "$1" "$id")" && break
            sleep 0.2
        done
        sample=$(kib "$2" VmRSS)
        local redis_cell=""
        [ "$3" = yes ] && redis_cell=$(awk -v u="$(redis_used)" -v b="$redis_before" -v n="$n" -v c="$BIG" 'BEGIN { printf "%.1f bytes a customer", (u - b) / n / c }')
        echo "| job $n | $((rss_max / 1024)) MiB | $((sample / 1024)) MiB ($(((sample - before) / n / 1024)) MiB a job kept) | $redis_cell |"
    done
}

job_body 3000000 "$BIG" "$work/big.json" Newsletter
config "$work/local.toml" $((GATEWAY_PORT + 100))
start_gateway local "$GATEWAY_PORT" "$work/local.toml"; local_pid=$started
local_rows=$(runs "http://127.0.0.1:$GATEWAY_PORT" "$local_pid" no)
local_hwm=$(kib "$local_pid" VmHWM)
kill "$local_pid"

start_redis "$REDIS_PORT"
config "$work/durable.toml" $((GATEWAY_PORT + 101)) "$(state_table "$REDIS_PORT")"
start_gateway durable $((GATEWAY_PORT + 1)) "$work/durable.toml"; durable_pid=$started
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

Load average after: $(loadavg).
MD

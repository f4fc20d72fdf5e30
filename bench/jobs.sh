#!/usr/bin/env bash
# Issue 16's benchmarks (see bench/README.md), side by side in one run: a 100 000-customer
# change job on the synthetic Capillary vendor (vendor calls per 100 customers and side, wall
# time against the job's share of the budget), interactive GET p99 while it runs against idle,
# and the gateway's resident memory during a 1 000 000-customer job. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings CUSTOMERS=100000 BIG=1000000
# Two sides (add, remove) of one call per 100 customers: about 2 000 calls, a minute at 4 000 a
# minute with half left to interactive requests.
settings PER_MINUTE=4000 SHARE=0.5 CONNECTIONS=8 DURATION=15s GATEWAY_PORT=18096 \
    REDIS_PORT=16396
KEY=bench-key

build label-gateway label-bench
need wrk
synthetic_vendor

config() { # file admin-port [tenant lines] [state section]
    {
        server_table "$2"
        printf '[jobs]\ninteractive_share = %s\n\n%s\n' "$SHARE" "${4:-}"
        printf '[cache]\nttl_seconds = 3600\n\n'
        capillary_tenant bench "$vendor_url" "[\"$KEY\"]" "${3:-}"
    } >"$1"
}
field() { sed -E "s/.*\"$2\":(\"[^\"]*\"|[0-9.]+|null|true|false).*/\1/" <<<"$1" | tr -d '"'; }
vendor_calls() { # the gateway's own count of vendor calls (every attempt), from /metrics
    metric_sum label_gateway_vendor_calls_total "" "http://127.0.0.1:$1"
}

# --- (1) and (2): 100 000 customers within the budget, interactive reads beside it -------------
config "$work/paced.toml" $((GATEWAY_PORT + 100)) "vendor_requests_per_minute = $PER_MINUTE"
start_gateway paced "$GATEWAY_PORT" "$work/paced.toml"
paced=http://127.0.0.1:$GATEWAY_PORT
read_path=/v1/tenants/bench/customers/564663098/labels
auth="Authorization: Bearer $KEY"
curl -sf -H "$auth" -o /dev/null "$paced$read_path"
wrk -t1 -c"$CONNECTIONS" -d3s -H "$auth" "$paced$read_path" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$paced$read_path" >"$work/idle.wrk"
job_body 1000000 "$CUSTOMERS" "$work/paced.json" Newsletter
calls_before=$(vendor_calls $((GATEWAY_PORT + 100)))
t0=$(seconds)
id=$(submit_job "$paced" "$work/paced.json")
sleep 2
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$auth" "$paced$read_path" >"$work/busy.wrk"
while :; do paced_job=$(job_view "$paced" "$id"); job_ended "$paced_job" && break; sleep 0.5; done
t1=$(seconds)
calls=$(( $(vendor_calls $((GATEWAY_PORT + 100))) - calls_before ))
job_calls=$(field "$paced_job" vendor_calls)
p99() { wrk_field "$1" 99%; }
to_ms() { awk -v t="$1" 'BEGIN { if (t ~ /ms$/) print t + 0; else if (t ~ /us$/) print t / 1000; else print t * 1000 }'; }
idle_p99=$(to_ms "$(p99 idle)"); busy_p99=$(to_ms "$(p99 busy)")
wall=$(since "$t0" "$t1")
share_per_minute=$(awk -v n="$PER_MINUTE" -v s="$SHARE" 'BEGIN { print int((1 - s) * n) }')
used=$(awk -v c="$job_calls" -v w="$wall" -v r="$share_per_minute" 'BEGIN { printf "%.1f", 100 * c / (r * w / 60) }')
per_100=$(awk -v c="$calls" -v n="$CUSTOMERS" 'BEGIN { printf "%.2f", c * 100 / n / 2 }')

# --- (3) and (4): memory during a 1 000 000-customer job, without a budget ----------------------
redis_used() { # KiB that Redis holds; 0 while the run keeps no state in Redis
    [ -n "${redis_up:-}" ] || { echo 0; return; }
    redis-cli -p "$REDIS_PORT" info memory | awk -F: '$1 == "used_memory" { print int($2 / 1024) }'
}
run_big() { # url pid: submits the big body, samples memory until the job ends, sets the ran_* variables
    curl -sf -H "$auth" -o /dev/null "$1$read_path"
    local before redis_before rss_max redis_max t0 id sample
    before=$(kib "$2" VmRSS); redis_before=$(redis_used)
    rss_max=$before; redis_max=$redis_before
    t0=$(seconds)
    id=$(submit_job "$1" "$work/big.json")
    while :; do
        sample=$(kib "$2" VmRSS); [ "$sample" -gt "$rss_max" ] && rss_max=$sample
        sample=$(redis_used); [ "$sample" -gt "$redis_max" ] && redis_max=$sample
        ran_job=$(job_view "$1" "$id"); job_ended "$ran_job" && break; sleep 0.5
    done
    ran_wall=$(since "$t0")
    ran_memory="\`VmRSS\` before the submission $((before / 1024)) MiB, highest sampled while it ran
$((rss_max / 1024)) MiB, after it $(($(kib "$2" VmRSS) / 1024)) MiB, \`VmHWM\` $(($(kib "$2" VmHWM) / 1024)) MiB:
**growth $(((rss_max - before) / 1024)) MiB** (peak $((($(kib "$2" VmHWM) - before) / 1024)) MiB; target under 200 MB)"
    ran_redis="Redis \`used_memory\` before $((redis_before / 1024)) MiB, highest sampled $((redis_max / 1024)) MiB, after the
job ended $(($(redis_used) / 1024)) MiB"
}
job_body 3000000 "$BIG" "$work/big.json" Newsletter

config "$work/big.toml" $((GATEWAY_PORT + 101))
start_gateway big $((GATEWAY_PORT + 1)) "$work/big.toml"; big_pid=$started
run_big "http://127.0.0.1:$((GATEWAY_PORT + 1))" "$big_pid"
big_job=$ran_job; big_wall=$ran_wall; big_memory=$ran_memory
kill "$big_pid"

# The same job kept in Redis ([state]): the gateway's memory and Redis's.
start_redis "$REDIS_PORT"
redis_up=1
config "$work/durable.toml" $((GATEWAY_PORT + 102)) "" "$(state_table "$REDIS_PORT")"
start_gateway durable $((GATEWAY_PORT + 2)) "$work/durable.toml"
run_big "http://127.0.0.1:$((GATEWAY_PORT + 2))" "$started"

cat <<MD
## Jobs (issue 16): \`bench/jobs.sh\`

$(date -u +%F), $(nproc) CPUs, load before/after: see below. \`label-gateway serve\` (release) on
\`synthetic-vendor\` (the Capillary simulator: any numeric customer exists with five labels),
one tenant, \`[jobs] interactive_share = $SHARE\`, default \`concurrency\` (4).

### A $CUSTOMERS-customer change job within the budget

Add \`VIP\` and remove \`Newsletter\` for customers $((1000000))…$((1000000 + CUSTOMERS - 1)), tenant budget
\`vendor_requests_per_minute = $PER_MINUTE\`, so the job's share is $share_per_minute a minute.

| | |
| --- | --- |
| final state | $(field "$paced_job" state): $(field "$paced_job" "done") done, $(field "$paced_job" failed) failed |
| vendor calls (the gateway's \`/metrics\`: every attempt, the job's catalog read and the cached reads' misses included) | $calls: **$per_100 per 100 customers and side** (target ≤ 1) |
| vendor calls the job counted | $job_calls |
| wall time, submit to end | $wall s |
| job calls / (its share × wall time) | **$used %** (target ≥ 95 %) |

Interactive \`GET\` of a cached customer, \`wrk -t1 -c$CONNECTIONS -d$DURATION\`:

| | p50 | p99 | requests/s |
| --- | --- | --- | --- |
| idle | $(wrk_field idle 50%) | $(p99 idle) | $(rps idle) |
| while the job runs | $(wrk_field busy 50%) | $(p99 busy) | $(rps busy) |

p99 while the job runs / idle: **$(awk -v a="$busy_p99" -v b="$idle_p99" 'BEGIN { printf "%.2f", a / b }')×** (target ≤ 1.2×).

### Memory during a $BIG-customer job

No budget (only \`concurrency\` bounds it); the body is $(du -h "$work/big.json" | cut -f1). It ran in
$big_wall s and ended $(field "$big_job" state) ($(field "$big_job" "done") done, $(field "$big_job" failed) failed, $(field "$big_job" vendor_calls) vendor calls).
$big_memory.

### The same job kept in Redis (\`[state]\`)

The same body to a gateway with \`[state] redis_url\` (redis-server $(redis-server --version | awk '{ print $3 }') on loopback, no
persistence): the job, its customers, progress and results live in Redis. It ran in $ran_wall s and
ended $(field "$ran_job" state) ($(field "$ran_job" "done") done, $(field "$ran_job" failed) failed, durable: $(field "$ran_job" durable)).
$ran_memory. $ran_redis (an ended job is kept 7 days).

Load average before/after: $(loadavg).
MD

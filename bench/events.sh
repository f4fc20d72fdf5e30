#!/usr/bin/env bash
# Issue 26's benchmarks (see bench/README.md), side by side in one run with the change traffic
# that produced the events: delivery latency to a healthy local receiver under steady PATCH
# traffic (target p99 ≤ 1 s), the events one replica delivers a second from a job's burst
# (target ≥ 5 000/s), and a $BIG-customer job's events all delivered. The receiver
# (`webhook-receiver`) is another process; it measures from each event's recording (its UUIDv7)
# to its arrival. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings DURATION=15s CONNECTIONS=4 BURST=100000 BIG=1000000 GATEWAY_PORT=18097
# STATE=1: the gateway keeps its events and deliveries in a redis-server on REDIS_PORT
# ([state]), as a fleet does.
settings STATE= REDIS_PORT=16397
KEY=bench-key

build label-gateway label-bench
need wrk
synthetic_vendor
spawn receiver "$BIN/webhook-receiver"
receiver=$(printed receiver)

state=""
where="without \`[state]\` (events in the process)"
if [ -n "$STATE" ]; then
    start_redis "$REDIS_PORT"
    state=$(state_table "$REDIS_PORT")
    where="with \`[state]\` (events and deliveries in redis-server $(redis-server --version | awk '{ print $3 }') on loopback, no persistence)"
fi

# Room for every event of the big job (two a customer at most) in the process's log.
{
    server_table "$admin_port"
    printf '%s\n\n' "$state"
    printf '[events]\nmax_events = %s\nmax_bytes = 8589934592\n\n' $((2 * BIG + BURST + 1000000))
    capillary_tenant bench "$vendor_url" "[\"$KEY\"]" "max_in_flight = 256"
    printf '[[tenants.bench.webhooks]]\nurl = "%s/hook"\nsecret = "%s"\n' "$receiver" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
} >"$work/gateway.toml"
start_gateway gateway "$GATEWAY_PORT" "$work/gateway.toml"
gateway_pid=$started
gateway=http://127.0.0.1:$GATEWAY_PORT
# With [state]: until the webhook's consumer group exists (its replica took the lease).
for _ in $(seq 1 100); do
    [ -z "$STATE" ] && break
    [ "$(redis-cli -p "$REDIS_PORT" --scan --pattern 'bench:webhook:*:lease' | wc -l)" -gt 0 ] && break
    sleep 0.1
done
auth="Authorization: Bearer $KEY"

stat() { curl -s "$receiver/stats" | sed -E "s/.*\"$1\":([0-9]+).*/\1/"; }
backlog() { metric_sum label_gateway_webhook_backlog "" "$admin"; }
wait_drained() { # until the receiver has $1 unique events and nothing is pending
    for _ in $(seq 1 3000); do
        [ "$(stat unique)" -ge "$1" ] && [ "$(backlog)" = 0 ] && return
        sleep 0.2
    done
    echo "deliveries did not drain: $(stat unique) of $1" >&2
}
recorded() { # how many events the feed holds (pages of 1000)
    local after="" n=0 page
    while :; do
        page=$(curl -s -H "$auth" "$gateway/v1/tenants/bench/events?limit=1000$after")
        local got; got=$(grep -o '"id":"evt_' <<<"$page" | wc -l)
        [ "$got" = 0 ] && break
        n=$((n + got))
        after="&after=$(sed -E 's/.*"next_cursor":"([^"]+)".*/\1/' <<<"$page")"
    done
    echo "$n"
}
job() { # first count: submits a change job adding VIP to customers first.., waits for its end
    job_body "$1" "$2" "$work/job.json"
    local id
    id=$(submit_job "$gateway" "$work/job.json")
    until job_ended "$(job_view "$gateway" "$id")"; do sleep 0.5; done
}

# --- (1) steady change traffic: a PATCH per request, each customer's VIP added then removed ----
cat >"$work/patch.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local customer = 2000000 + math.floor(n / 2)
  local op = (n % 2 == 0) and "add" or "remove"
  local body = '{"' .. op .. '":[{"name":"VIP"}]}'
  return wrk.format("PATCH", "/v1/tenants/bench/customers/" .. customer .. "/labels",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer bench-key"}, body)
end
LUA
wrk -t1 -c"$CONNECTIONS" -d3s -s "$work/patch.lua" -H "$auth" "$gateway" >/dev/null
before=$(recorded)
wait_drained "$before"
before=$(recorded)
curl -s -X POST "$receiver/reset" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/patch.lua" -H "$auth" "$gateway" >"$work/steady.wrk"
steady_events=$(( $(recorded) - before ))
wait_drained "$steady_events"
steady_p50=$(stat p50_ms); steady_p99=$(stat p99_ms); steady_max=$(stat max_ms)
steady_unique=$(stat unique)
patch_rate=$(rps steady)
patch_p99=$(wrk_field steady 99%)
patch_errors=$(awk '/Non-2xx/ { print $NF }' "$work/steady.wrk"); patch_errors=${patch_errors:-0}
secs=$(awk -v d="$DURATION" 'BEGIN { print d + 0 }')

# --- (2) a burst: a $BURST-customer job's events, as fast as one replica delivers them ---------
before=$(recorded)
curl -s -X POST "$receiver/reset" >/dev/null
t0=$(seconds)
job 3000000 "$BURST"
t1=$(seconds)
burst_events=$(( $(recorded) - before ))
wait_drained "$burst_events"
burst_unique=$(stat unique)
burst_rate=$(awk -v n="$burst_unique" -v a="$(stat first_ms)" -v b="$(stat last_ms)" 'BEGIN { printf "%.0f", n * 1000 / (b - a + 1) }')
burst_job=$(since "$t0" "$t1")
burst_p99=$(stat p99_ms)

# --- (3) a $BIG-customer job: every event delivered ---------------------------------------------
before=$(recorded)
curl -s -X POST "$receiver/reset" >/dev/null
t0=$(seconds)
job 10000000 "$BIG"
big_job=$(since "$t0")
big_events=$(( $(recorded) - before ))
wait_drained "$big_events"
big_wall=$(since "$t0")
big_unique=$(stat unique)
big_rate=$(awk -v n="$big_unique" -v a="$(stat first_ms)" -v b="$(stat last_ms)" 'BEGIN { printf "%.0f", n * 1000 / (b - a + 1) }')
rss=$(( $(kib "$gateway_pid" VmHWM) / 1024 ))

cat <<MD
## Change events and webhooks (issue 26): \`bench/events.sh\`

$(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load average before the summary $(loadavg).
\`label-gateway serve\` (release) on \`synthetic-vendor\`, one tenant $where, one webhook to \`webhook-receiver\` (another process on loopback, answering 204 at once),
default \`max_deliveries_in_flight\` (64). Latency is from an event's recording (its UUIDv7) to its
arrival at the receiver.

| | change traffic | events | delivered | p50 | p99 | max | events/s delivered |
| --- | --- | --- | --- | --- | --- | --- | --- |
| (1) steady PATCHes, \`wrk -t1 -c$CONNECTIONS -d$DURATION\` (VIP added, then removed, customer after customer) | $patch_rate PATCH/s (p99 $patch_p99, $patch_errors not 2xx) | $steady_events | $steady_unique | $steady_p50 ms | **$steady_p99 ms** (target ≤ 1000) | $steady_max ms | $(awk -v n="$steady_unique" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') (as made) |
| (2) a $BURST-customer change job (VIP added), ran $burst_job s | $BURST customers | $burst_events | $burst_unique | | $burst_p99 ms (a backlog by design) | | **$burst_rate** (target ≥ 5 000) |
| (3) a $BIG-customer change job, ran $big_job s, all delivered after $big_wall s | $BIG customers | $big_events | **$big_unique** | | | | $big_rate |

The gateway's peak RSS (\`VmHWM\`) over the whole run: $rss MiB (without \`[state]\` the process's log
keeps every event, \`[events] max_bytes\` raised for the run).
MD

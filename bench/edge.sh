#!/usr/bin/env bash
# Issue 27's edge, measured: (1) a passthrough GET against the miss path for the same vendor
# call (the Capillary sample customer's labels; one gateway, its cache off, so both are one
# vendor call each), target passthrough ≤ the miss path's cost; (2) the cache hit with CORS on
# (a listed Origin on every request, so the front adds the headers) against CORS off (a second
# gateway without cors_allowed_origins), target ≥ 95 %. Alternating rounds, each target its own
# process, wrk from another. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings DURATION=5s ROUNDS=3 CONNECTIONS="1 64" GATEWAY_PORT=18094
CORS_PORT=$((GATEWAY_PORT + 1))
PLAIN_PORT=$((GATEWAY_PORT + 2))
CAP_CUSTOMER=564663098
ORIGIN=https://app.example.com

build label-gateway label-sim
need wrk
bench_vendors 0

tenant() { # id cache_ttl_seconds
    capillary_tenant "$1" "$cap_url" "[\"$1-key\"]" "cache_ttl_seconds = $2" "max_in_flight = 1024" \
        'passthrough = [{ methods = ["GET"], path = "/v2/customers/*/labels" }]'
}
gateway() { # name port admin_port [server lines]: the gateway's pid in $started
    { server_table "$3" "${4:-}"; tenant t1 0; tenant t2 60; } >"$work/$1.toml"
    start_gateway "$1" "$2" "$work/$1.toml"
}
declare -A pid_of
gateway miss "$GATEWAY_PORT" $((GATEWAY_PORT + 1000))
pid_of[miss]=$started
pid_of[passthrough]=$started
gateway cors "$CORS_PORT" $((CORS_PORT + 1000)) "cors_allowed_origins = [\"$ORIGIN\"]"
pid_of[cors]=$started
gateway plain "$PLAIN_PORT" $((PLAIN_PORT + 1000))
pid_of[plain]=$started

miss=http://127.0.0.1:$GATEWAY_PORT/v1/tenants/t1/customers/$CAP_CUSTOMER/labels
passthrough=http://127.0.0.1:$GATEWAY_PORT/v1/tenants/t1/passthrough/v2/customers/$CAP_CUSTOMER/labels
cors_hit=http://127.0.0.1:$CORS_PORT/v1/tenants/t2/customers/$CAP_CUSTOMER/labels
plain_hit=http://127.0.0.1:$PLAIN_PORT/v1/tenants/t2/customers/$CAP_CUSTOMER/labels
for url in "$miss" "$passthrough" "$cors_hit" "$plain_hit"; do
    key=t2-key
    [[ $url == *tenants/t1/* ]] && key=t1-key
    wait_for "$url" "Authorization: Bearer $key"
done
# The hit runs must be hits, with the CORS headers on the listed origin.
curl -si -H "Authorization: Bearer t2-key" -H "Origin: $ORIGIN" "$cors_hit" | grep -qi '^access-control-allow-origin' \
    || { echo "no CORS header on the CORS gateway's hit" >&2; exit 1; }

TICK_US=$((1000000 / $(getconf CLK_TCK)))
requests() { awk '/requests in/ { print $1 }' "$work/$1.wrk"; }
measure() { # who connections run: wrk's report, and the serving gateway's CPU µs a request
    local pid=${pid_of[$1]} before ticks
    before=$(cpu_ticks "$pid")
    case $1 in
        miss) wrk_run "$3" "$2" "$miss" "Authorization: Bearer t1-key" ;;
        passthrough) wrk_run "$3" "$2" "$passthrough" "Authorization: Bearer t1-key" ;;
        cors) wrk_run "$3" "$2" "$cors_hit" "Authorization: Bearer t2-key" "Origin: $ORIGIN" ;;
        plain) wrk_run "$3" "$2" "$plain_hit" "Authorization: Bearer t2-key" "Origin: $ORIGIN" ;;
    esac
    ticks=$(( $(cpu_ticks "$pid") - before ))
    wrk_errors "$3"
    total[${1}cpu_$2]=$(add "${total[${1}cpu_$2]:-0}" "$ticks")
    total[${1}n_$2]=$(add "${total[${1}n_$2]:-0}" "$(requests "$3")")
    cpu_per_request "$3" "$ticks" >"$work/$3.cpu"
}

for url in "$miss" "$passthrough"; do wrk -t2 -c16 -d2s -H "Authorization: Bearer t1-key" "$url" >/dev/null; done
for url in "$cors_hit" "$plain_hit"; do wrk -t2 -c16 -d2s -H "Authorization: Bearer t2-key" -H "Origin: $ORIGIN" "$url" >/dev/null; done
load_before=$(loadavg)
rows=""
declare -A total
alternate "$ROUNDS" "$CONNECTIONS" miss passthrough cors plain
load_after=$(loadavg)
cpu_per() { awk -v t="${total[${1}cpu_$2]}" -v n="${total[${1}n_$2]}" -v u="$TICK_US" 'BEGIN { printf "%.1f", t * u / n }'; }
summary=""
for c in $CONNECTIONS; do
    summary+="- at $c connection(s), the gateway's CPU per request: passthrough **$(cpu_per passthrough "$c") µs** against the miss path's **$(cpu_per miss "$c") µs** (target ≤); a hit with CORS on **$(cpu_per cors "$c") µs**, off **$(cpu_per plain "$c") µs**"$'\n'
done
for c in $CONNECTIONS; do
    summary+="- at $c connection(s): passthrough / miss path, requests/s summed over the rounds: **$(pct "${total[passthrough$c]}" "${total[miss$c]}") %** (target ≥ 100 %); p50 $(awk -v a="${total[passthroughp50_$c]}" -v r="$ROUNDS" 'BEGIN { printf "%.0f", a / r }') µs against $(awk -v a="${total[missp50_$c]}" -v r="$ROUNDS" 'BEGIN { printf "%.0f", a / r }') µs; cache hit with CORS on / off: **$(pct "${total[cors$c]}" "${total[plain$c]}") %** (target ≥ 95 %)"$'\n'
done

cat <<MD
## The edge: passthrough and CORS (issue 27), $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`DURATION=$DURATION ROUNDS=$ROUNDS CONNECTIONS="$CONNECTIONS" bench/edge.sh\`
- the Capillary simulator (\`bench-vendors\`) and three gateways (\`RUST_LOG=warn\`), each its own
  process, wrk from another: \`miss\` (tenant t1, cache off) answers the miss path and the
  passthrough GET of the same vendor path; \`cors\` (with \`cors_allowed_origins\`) and \`plain\`
  (without) answer cache hits of tenant t2, every request with a listed \`Origin\`; the CPU column
  is the serving gateway's user + system time over the run (/proc) per request answered, which
  other load on the machine does not change as it changes req/s

| round | connections | target | req/s | p50 µs | p99 µs | gateway CPU µs/request |
| ---: | ---: | --- | ---: | ---: | ---: | ---: |
$rows
$summary- load average before: $load_before; after: $load_after
MD

#!/usr/bin/env bash
# Issue 17's second ceiling: the gateway's miss path (cache off, every read a vendor call)
# against a minimal hand-written proxy (src/bin/minimal-proxy.rs: axum in, reqwest out, the
# vendor's JSON parsed and written back) and against the vendor called directly, at one
# connection and at PEAK_CONNECTIONS, in alternating rounds. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings DURATION=5s ROUNDS=3 PEAK_CONNECTIONS=64 GATEWAY_PORT=18092 PROXY_PORT=18093
CAP_CUSTOMER=564663098

build label-gateway label-sim label-bench
need wrk
bench_vendors 0

{
    server_table "$admin_port"
    capillary_tenant t1 "$cap_url" '["t1-key"]' "cache_ttl_seconds = 0" "max_in_flight = 1024"
} >"$work/gateway.toml"
start_gateway gateway "$GATEWAY_PORT" "$work/gateway.toml"
"$BIN/minimal-proxy" --listen "127.0.0.1:$PROXY_PORT" --vendor "$cap_url" --authorization "$cap_basic" &
pids+=($!)
path=/v1/tenants/t1/customers/$CAP_CUSTOMER/labels
gateway=http://127.0.0.1:$GATEWAY_PORT$path
proxy=http://127.0.0.1:$PROXY_PORT$path
direct=$cap_url/v2/customers/$CAP_CUSTOMER/labels
wait_for "$gateway" "Authorization: Bearer t1-key"
wait_for "$proxy" "Authorization: Bearer t1-key"

measure() { # who connections run: wrk's report
    case $1 in
        direct) wrk_run "$3" "$2" "$direct" "Authorization: $cap_basic" ;;
        proxy) wrk_run "$3" "$2" "$proxy" "Authorization: Bearer t1-key" ;;
        gateway) wrk_run "$3" "$2" "$gateway" "Authorization: Bearer t1-key" ;;
    esac
    wrk_errors "$3"
}

wrk -t2 -c16 -d2s -H "Authorization: $cap_basic" "$direct" >/dev/null   # warm-up
for url in "$proxy" "$gateway"; do wrk -t2 -c16 -d2s -H "Authorization: Bearer t1-key" "$url" >/dev/null; done
load_before=$(loadavg)
rows=""
declare -A total
alternate "$ROUNDS" "1 $PEAK_CONNECTIONS" direct proxy gateway
load_after=$(loadavg)
added() { awk -v x="$1" -v d="$2" -v r="$ROUNDS" 'BEGIN { printf "%.0f", (x - d) / r }'; }
gw_added=$(added "${total[gatewayp50_1]}" "${total[directp50_1]}")
px_added=$(added "${total[proxyp50_1]}" "${total[directp50_1]}")

cat <<MD
## Miss path against a minimal proxy, $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`DURATION=$DURATION ROUNDS=$ROUNDS PEAK_CONNECTIONS=$PEAK_CONNECTIONS bench/miss-vs-proxy.sh\`
- the Capillary simulator (\`bench-vendors\`), the gateway with its cache off (\`cache_ttl_seconds = 0\`,
  \`RUST_LOG=warn\`), and \`minimal-proxy\`, each its own process; wrk from a fourth; each round
  loads the vendor directly, the proxy, then the gateway

| round | connections | target | req/s | p50 µs | p99 µs |
| ---: | ---: | --- | ---: | ---: | ---: |
$rows
- gateway / minimal proxy, requests/s summed over the rounds: **$(pct "${total[gateway1]}" "${total[proxy1]}") %** at 1
  connection, **$(pct "${total[gateway$PEAK_CONNECTIONS]}" "${total[proxy$PEAK_CONNECTIONS]}") %** at $PEAK_CONNECTIONS (target ≥ 90 % at both)
- added p50 over the direct call at 1 connection (mean of the rounds): gateway **$gw_added µs**, proxy
  **$px_added µs**: **$(awk -v g="$gw_added" -v p="$px_added" 'BEGIN { printf "%.2f", (p > 0 ? g / p : 0) }')×** (target ≤ 1.2×)
- load average before: $load_before; after: $load_after
MD

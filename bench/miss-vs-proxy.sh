#!/usr/bin/env bash
# Issue 17's second ceiling: the gateway's miss path (cache off, every read a vendor call)
# against a minimal hand-written proxy (src/bin/minimal-proxy.rs: axum in, reqwest out, the
# vendor's JSON parsed and written back) and against the vendor called directly, at one
# connection and at PEAK_CONNECTIONS, in alternating rounds. Prints a Markdown section.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
ROUNDS=${ROUNDS:-3}
PEAK_CONNECTIONS=${PEAK_CONNECTIONS:-64}
GATEWAY_PORT=${GATEWAY_PORT:-18092}
PROXY_PORT=${PROXY_PORT:-18093}
CAP_CUSTOMER=564663098

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
source bench/lib.sh label-gateway label-sim label-bench

"$BIN/bench-vendors" 0 >"$work/vendors.out" &
pids+=($!)
for _ in $(seq 1 100); do [ -f "$work/vendors.out" ] && [ "$(wc -l <"$work/vendors.out")" -ge 2 ] && break; sleep 0.1; done
cap_url=$(awk '$1 == "capillary" { print $2 }' "$work/vendors.out")
cap_basic="Basic $(printf 'demo_till:%s' "$(printf demo-password | md5sum | cut -d' ' -f1)" | base64 -w0)"

cat >"$work/gateway.toml" <<TOML
[server]
admin_listen = "$BENCH_ADMIN_LISTEN"

[tenants.t1]
provider = "capillary"
base_url = "$cap_url"
username = "demo_till"
password = "demo-password"
api_keys = ["t1-key"]
cache_ttl_seconds = 0
max_in_flight = 1024
TOML
RUST_LOG=warn "$GATEWAY_BIN" serve --config "$work/gateway.toml" --listen "127.0.0.1:$GATEWAY_PORT" &
pids+=($!)
"$BIN/minimal-proxy" --listen "127.0.0.1:$PROXY_PORT" --vendor "$cap_url" --authorization "$cap_basic" &
pids+=($!)
path=/v1/tenants/t1/customers/$CAP_CUSTOMER/labels
gateway=http://127.0.0.1:$GATEWAY_PORT$path
proxy=http://127.0.0.1:$PROXY_PORT$path
direct=$cap_url/v2/customers/$CAP_CUSTOMER/labels
for url in "$gateway" "$proxy"; do
    for _ in $(seq 1 100); do curl -sf -o /dev/null -H "Authorization: Bearer t1-key" "$url" && break; sleep 0.1; done
done

run() { # name connections url header: wrk's report in $work/name.wrk
    wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$DURATION" --latency -H "$4" "$3" >"$work/$1.wrk"
    if grep -q "Non-2xx\|Socket errors" "$work/$1.wrk"; then
        echo "errors in $1:" >&2; cat "$work/$1.wrk" >&2; exit 1
    fi
}
rps() { awk '$1 == "Requests/sec:" { print $2 }' "$work/$1.wrk"; }
us() { # a wrk latency percentile ("71.00us", "1.20ms") in µs
    awk -v k="$2" '$1 == k { v = $2; n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[0-9]s$/) n *= 1e6; printf "%.0f", n }' "$work/$1.wrk"
}
sum() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }

wrk -t2 -c16 -d2s -H "Authorization: $cap_basic" "$direct" >/dev/null   # warm-up
for url in "$proxy" "$gateway"; do wrk -t2 -c16 -d2s -H "Authorization: Bearer t1-key" "$url" >/dev/null; done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
declare -A total
for round in $(seq 1 "$ROUNDS"); do
    for c in 1 "$PEAK_CONNECTIONS"; do
        run "direct$c-$round" "$c" "$direct" "Authorization: $cap_basic"
        run "proxy$c-$round" "$c" "$proxy" "Authorization: Bearer t1-key"
        run "gateway$c-$round" "$c" "$gateway" "Authorization: Bearer t1-key"
        for who in direct proxy gateway; do
            total[$who$c]=$(sum "${total[$who$c]:-0}" "$(rps "$who$c-$round")")
            total[${who}p50_$c]=$(sum "${total[${who}p50_$c]:-0}" "$(us "$who$c-$round" 50%)")
            rows+="| $round | $c | $who | $(rps "$who$c-$round") | $(us "$who$c-$round" 50%) | $(us "$who$c-$round" 99%) |"$'\n'
        done
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v g="$1" -v p="$2" 'BEGIN { printf "%.1f", 100 * g / p }'; }
added() { awk -v x="$1" -v d="$2" -v r="$ROUNDS" 'BEGIN { printf "%.0f", (x - d) / r }'; }
gw_added=$(added "${total[gatewayp50_1]}" "${total[directp50_1]}")
px_added=$(added "${total[proxyp50_1]}" "${total[directp50_1]}")

cat <<MD
## Miss path against a minimal proxy, $(date -u +%Y-%m-%d)

- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)
- command: \`DURATION=$DURATION ROUNDS=$ROUNDS PEAK_CONNECTIONS=$PEAK_CONNECTIONS bench/miss-vs-proxy.sh\`
- the Capillary simulator (\`bench-vendors\`), the gateway with its cache off (\`cache_ttl_seconds = 0\`,
  \`RUST_LOG=warn\`), and \`minimal-proxy\`, each its own process; wrk from a fourth; each round
  loads the vendor directly, the proxy, then the gateway

| round | connections | target | req/s | p50 µs | p99 µs |
| ---: | ---: | --- | ---: | ---: | ---: |
$rows
- gateway / minimal proxy, requests/s summed over the rounds: **$(ratio "${total[gateway1]}" "${total[proxy1]}") %** at 1
  connection, **$(ratio "${total[gateway$PEAK_CONNECTIONS]}" "${total[proxy$PEAK_CONNECTIONS]}") %** at $PEAK_CONNECTIONS (target ≥ 90 % at both)
- added p50 over the direct call at 1 connection (mean of the rounds): gateway **$gw_added µs**, proxy
  **$px_added µs**: **$(awk -v g="$gw_added" -v p="$px_added" 'BEGIN { printf "%.2f", (p > 0 ? g / p : 0) }')×** (target ≤ 1.2×)
- load average before: $load_before; after: $load_after
MD

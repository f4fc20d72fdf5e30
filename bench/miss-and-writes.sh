#!/usr/bin/env bash
# Benchmarks of issue 8 beyond the cache's (see bench/README.md): the miss path against the
# vendor called directly, upstream connection reuse, writes, tenant and catalog scaling.
# Prints a Markdown section; every comparison is measured in the same run, side by side.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings DURATION=5s PEAK_CONNECTIONS=64 GATEWAY_PORT=18090 CATALOGS="10 100 1000 10000" \
    TENANT_COUNTS="1 2 4 8 16"
CAP_CUSTOMER=564663098                               # the Capillary sample customer
TRYBE_CUSTOMER=9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b  # the Trybe sample customer

build label-gateway label-sim
need wrk
# The gateway and vendors are restarted between parts, and waited for.
vendor_pid=""
gateway_pid=""

start_vendors() { # catalog size
    stop "$gateway_pid" "$vendor_pid"
    bench_vendors "$1"
    vendor_pid=$spawned
    cap_port=${cap_url##*:}
}

restart_gateway() { # number of Capillary tenants t1..tN, [cache TTL, default 0]; plus Trybe "tr"
    stop "$gateway_pid"
    {
        server_table "$admin_port"
        for i in $(seq 1 "$1"); do
            capillary_tenant "t$i" "$cap_url" "[\"t$i-key\"]" "cache_ttl_seconds = ${2:-0}" "max_in_flight = 1024"
        done
        printf '[tenants.tr]\nprovider = "trybe"\nbase_url = "%s"\ntoken = "trybe-demo-token"\n' "$trybe_url"
        printf 'api_keys = ["tr-key"]\ncache_ttl_seconds = 0\nmax_in_flight = 1024\n'
    } >"$work/gateway.toml"
    start_gateway gateway "$GATEWAY_PORT" "$work/gateway.toml"
    gateway_pid=$started
}

gateway=http://127.0.0.1:$GATEWAY_PORT

run() { # name connections url header [script]: wrk's report in $work/name.wrk
    wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"$DURATION" --latency -H "$4" ${5:+-s "$5"} "$3" >"$work/$1.wrk"
    wrk_errors "$1" || true   # reported, and the run goes on
}
row() { echo "| $1 | $2 | $(rps_int "$2") | $(wrk_field "$2" 50%) | $(wrk_field "$2" 99%) |"; }
rows() { # case run [case run]...: a table of runs
    echo "| case | run | req/s | p50 | p99 |"
    echo "| --- | --- | ---: | ---: | ---: |"
    while [ $# -gt 1 ]; do row "$1" "$2"; shift 2; done
}
vendor_calls() { metric_sum label_gateway_vendor_calls_total "" "$admin"; }

# --- (a) miss path -------------------------------------------------------------------------
start_vendors 0
restart_gateway 1
direct_url=$cap_url/v2/customers/$CAP_CUSTOMER/labels
gw_url=$gateway/v1/tenants/t1/customers/$CAP_CUSTOMER/labels
wrk -t2 -c16 -d2s -H "Authorization: $cap_basic" "$direct_url" >/dev/null   # warm-up
wrk -t2 -c16 -d2s -H "Authorization: Bearer t1-key" "$gw_url" >/dev/null
load_before=$(loadavg)
run direct1 1 "$direct_url" "Authorization: $cap_basic"
run gateway1 1 "$gw_url" "Authorization: Bearer t1-key"
run directpeak "$PEAK_CONNECTIONS" "$direct_url" "Authorization: $cap_basic"
run gatewaypeak "$PEAK_CONNECTIONS" "$gw_url" "Authorization: Bearer t1-key"
# Half of the gateway's peak: each connection waits between requests (wrk's delay(), in ms).
half=$(( $(rps_int gatewaypeak) / 2 ))
per_conn_ms=$(( PEAK_CONNECTIONS * 1000 / (half > 0 ? half : 1) ))
echo "function delay() return $per_conn_ms end" >"$work/delay.lua"
run directhalf "$PEAK_CONNECTIONS" "$direct_url" "Authorization: $cap_basic" "$work/delay.lua"
# Connections to the vendor while the gateway runs at half load: the distinct gateway-side
# ports seen established, sampled every 0.2 s, and the vendor-port sockets in TIME_WAIT
# (a connection closed by either side) before and after.
tw() { ss -tanH state time-wait "( sport = :$cap_port or dport = :$cap_port )" | wc -l; }
tw_before=$(tw)
run gatewayhalf "$PEAK_CONNECTIONS" "$gw_url" "Authorization: Bearer t1-key" "$work/delay.lua" &
wrk_pid=$!
: >"$work/ports"
while kill -0 "$wrk_pid" 2>/dev/null; do
    ss -tanH state established "( dport = :$cap_port )" | awk '{ print $3 }' >>"$work/ports"
    sleep 0.2
done
wait "$wrk_pid"
tw_after=$(tw)
distinct_ports=$(sort -u "$work/ports" | wc -l)

# --- (b) writes ------------------------------------------------------------------------------
patch_script() { # file path key label
    cat >"$1" <<EOF
n = 0
request = function()
    n = n + 1
    local body = '{"add":[{"name":"$4"}]}'
    if n % 2 == 0 then body = '{"remove":[{"name":"$4"}]}' end
    return wrk.format("PATCH", "$2", {["Authorization"] = "Bearer $3",
        ["Content-Type"] = "application/json"}, body)
end
EOF
}
patch_script "$work/cap.lua" "/v1/tenants/t1/customers/$CAP_CUSTOMER/labels" t1-key VIP
patch_script "$work/trybe.lua" "/v1/tenants/tr/customers/$TRYBE_CUSTOMER/labels" tr-key "Gym Member"
calls_before=$(vendor_calls)
run capw1 1 "$gateway" "X-Bench: 1" "$work/cap.lua"
run capw16 16 "$gateway" "X-Bench: 1" "$work/cap.lua"
calls_after=$(vendor_calls)
run trybew1 1 "$gateway" "X-Bench: 1" "$work/trybe.lua"
run trybew16 16 "$gateway" "X-Bench: 1" "$work/trybe.lua"
cap_writes=$(awk '/requests in/ { s += $1 } END { print s }' "$work/capw1.wrk" "$work/capw16.wrk")
calls_per_write=$(awk -v c="$((calls_after - calls_before))" -v w="$cap_writes" 'BEGIN { printf "%.2f", c / w }')

# --- (c) tenants and catalog sizes -----------------------------------------------------------
tenant_rows=""
for n in $TENANT_COUNTS; do
    restart_gateway "$n"
    cat >"$work/tenants.lua" <<EOF
i = 0
request = function()
    i = i + 1
    local t = "t" .. (i % $n + 1)
    return wrk.format("GET", "/v1/tenants/" .. t .. "/customers/$CAP_CUSTOMER/labels",
        {["Authorization"] = "Bearer " .. t .. "-key"})
end
EOF
    run "tenants$n" "$PEAK_CONNECTIONS" "$gateway" "X-Bench: 1" "$work/tenants.lua"
    tenant_rows+="$(row "$n tenant(s), GET miss, c=$PEAK_CONNECTIONS" "tenants$n")"$'\n'
done
catalog_rows=""
for size in $CATALOGS; do
    start_vendors "$size"
    # The cache on, so that the catalog is read from it and what grows is the resolution.
    restart_gateway 1 3600
    run "catalog$size" 8 "$gateway" "X-Bench: 1" "$work/cap.lua"
    catalog_rows+="$(row "Capillary PATCH by name, catalog of $size labels (cached), c=8" "catalog$size")"$'\n'
done
load_after=$(loadavg)

added() { echo $(( $(us "$2" "$3") - $(us "$1" "$3") )); }
cat <<EOF
## Miss path, writes, scaling: $(date -u '+%Y-%m-%d %H:%M UTC')

- machine: $(machine);
  load generator, gateway and vendor simulators are three processes on these same CPUs
- command: \`DURATION=$DURATION PEAK_CONNECTIONS=$PEAK_CONNECTIONS bench/miss-and-writes.sh\`
  (\`wrk --latency -d$DURATION\`, 1 thread at c=1, else 2 threads); \`RUST_LOG=warn\`, cache off
  (\`cache_ttl_seconds = 0\`); load average before: $load_before, after: $load_after

### Miss path: gateway → simulator vs the simulator called directly

$(rows "simulator direct, c=1" direct1 "gateway → simulator, c=1" gateway1 \
    "simulator direct, c=$PEAK_CONNECTIONS (peak)" directpeak \
    "gateway → simulator, c=$PEAK_CONNECTIONS (peak)" gatewaypeak \
    "simulator direct, half of gateway peak (${per_conn_ms} ms between requests per connection)" directhalf \
    "gateway → simulator, half of gateway peak" gatewayhalf)

- added by the gateway at c=1: p50 **$(added direct1 gateway1 50%) µs**, p99 **$(added direct1 gateway1 99%) µs** (targets ≤ 40 µs, ≤ 100 µs)
- added at half of peak: p50 $(added directhalf gatewayhalf 50%) µs, p99 $(added directhalf gatewayhalf 99%) µs
- peak throughput, gateway / direct: $(pct "$(rps_int gatewaypeak)" "$(rps_int directpeak)") %
- upstream connections during the half-load run: $distinct_ports distinct gateway-side ports seen
  established; vendor-port sockets in TIME_WAIT before/after: $tw_before/$tw_after (no new or
  closed connection in steady state means $tw_before = $tw_after)

### Writes (PATCH, alternating add and remove of one label)

$(rows "Capillary, c=1" capw1 "Capillary, c=16" capw16 "Trybe, c=1" trybew1 "Trybe, c=16" trybew16)

Vendor calls per Capillary PATCH (from \`/metrics\`): $calls_per_write: a fresh read; the
catalog when the name is not among the customer's labels (every add, since the cache is off);
one changeLabels unless the label is already so (races between connections at c=16).

### Tenants and catalog size

$(rows)
$tenant_rows$catalog_rows
EOF

#!/usr/bin/env bash
# The production binary (issue 28): its size, its start-up (exec until the first 200 from
# GET /healthz, polled every millisecond), and its resident memory idle and under load (wrk on
# the cache-hit path, then on the miss path of a tenant whose cache is off, each 64 connections
# for 10 s, RSS read every 100 ms meanwhile). One Capillary tenant on the simulator (bench-vendors), no [state]. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
STARTS=${STARTS:-7}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${GATEWAY_PORT:-18480}
SAMPLE=564663098

cargo build --profile dist --locked --quiet -p label-gateway --bin label-gateway --no-default-features
cargo build --locked --quiet -p label-sim --bin bench-vendors
BIN=$TARGET/dist/label-gateway
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$TARGET/debug/bench-vendors" >"$work/vendors.out" &
pids+=($!)
for _ in $(seq 100); do [[ $(wc -l <"$work/vendors.out") -ge 3 ]] && break; sleep 0.1; done
cap_url=$(awk '$1 == "capillary" { print $2 }' "$work/vendors.out")
cat >"$work/gateway.toml" <<TOML
[server]
admin_listen = "127.0.0.1:$((PORT + 1))"

[tenants.hit]
provider = "capillary"
base_url = "$cap_url"
username = "demo_till"
password = "demo-password"
api_keys = ["hit-key"]

[tenants.miss]
provider = "capillary"
base_url = "$cap_url"
username = "demo_till"
password = "demo-password"
api_keys = ["miss-key"]
cache_ttl_seconds = 0
TOML

kib() { awk -v f="$2" '$1 == f":" { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

# Starts the gateway and prints the milliseconds from exec to the first 200 from /healthz; the
# gateway's pid is left in $work/pid.
start() {
    python3 - "$BIN" "$work/gateway.toml" "$PORT" "$work/pid" <<'PY'
import http.client, subprocess, sys, time
binary, config, port, pidfile = sys.argv[1:]
began = time.monotonic()
gateway = subprocess.Popen([binary, "serve", "--config", config, "--listen", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=1)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        time.sleep(0.001)
print(round((time.monotonic() - began) * 1000, 1))
open(pidfile, "w").write(str(gateway.pid))
PY
}
stop() {
    kill "$(cat "$work/pid")"
    while kill -0 "$(cat "$work/pid")" 2>/dev/null; do sleep 0.05; done
}

times=()
for _ in $(seq "$STARTS"); do
    times+=("$(start)")
    stop
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | paste -sd, | sed 's/,/, /g')
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

start >/dev/null
pid=$(cat "$work/pid")
pids+=("$pid")
# Idle: after one read of each tenant (their clients and pools made), then 2 s of nothing.
for key in hit miss; do
    curl -sf -o /dev/null -H "Authorization: Bearer $key-key" \
        "http://127.0.0.1:$PORT/v1/tenants/$key/customers/$SAMPLE/labels"
done
sleep 2
idle=$(kib "$pid" VmRSS)
# TENANT: wrk on that tenant's sample customer, VmRSS read every 100 ms meanwhile; leaves the
# requests per second and the largest RSS seen in $work/TENANT.
load() {
    wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $1-key" \
        "http://127.0.0.1:$PORT/v1/tenants/$1/customers/$SAMPLE/labels" >"$work/wrk-$1.txt" &
    local wrk_pid=$! most=0 now
    while kill -0 "$wrk_pid" 2>/dev/null; do
        now=$(kib "$pid" VmRSS)
        ((now > most)) && most=$now
        sleep 0.1
    done
    wait "$wrk_pid"
    echo "$(awk '/Requests\/sec/ { printf "%d", $2 }' "$work/wrk-$1.txt") $most" >"$work/$1"
}
load hit
read -r hit_rps hit_rss <"$work/hit"
load miss
read -r miss_rps miss_rss <"$work/miss"
after=$(kib "$pid" VmRSS)
bytes=$(stat -c %s "$BIN")

cat <<MD
## Production binary, measured: $(date -u '+%Y-%m-%d %H:%M') UTC, \`bench/dist.sh\`

\`cargo build --profile dist --locked -p label-gateway --bin label-gateway --no-default-features\`,
$(rustc --version | cut -d' ' -f1-2), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)),
load average $(cut -d' ' -f1-3 /proc/loadavg) at the end. \`serve\` with two Capillary tenants on the
simulator (\`bench-vendors\`), one cached, one with \`cache_ttl_seconds = 0\`; no \`[state]\`.

| what | value |
| --- | --- |
| binary | $(mb $((bytes / 1024))) MB ($bytes bytes) |
| exec to the first 200 from \`GET /healthz\` ($STARTS starts, polled every 1 ms) | $sorted ms (median $median ms) |
| RSS idle (one read of each tenant, then 2 s) | $(mb "$idle") MB |
| RSS under load: most seen during $DURATION of wrk on the hit path ($CONNECTIONS connections, $hit_rps requests/s) | $(mb "$hit_rss") MB |
| RSS under load: most seen during $DURATION of wrk on the miss path ($CONNECTIONS connections, $miss_rps requests/s, each a vendor call) | $(mb "$miss_rss") MB |
| RSS once the load ended | $(mb "$after") MB |
MD

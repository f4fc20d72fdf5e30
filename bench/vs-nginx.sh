#!/usr/bin/env bash
# Issue 8, item 3: label-gateway cache hits against Debian's nginx with proxy_cache in front of
# the same simulator (the tool people would put there instead), loaded alike by wrk, alternated.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
GATEWAY_PORT=${GATEWAY_PORT:-18091}
NGINX_PORT=${NGINX_PORT:-18092}
CUSTOMER=564663098

for tool in wrk nginx; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done
source bench/lib.sh label-gateway label-sim

"$BIN/bench-vendors" 0 >"$work/vendors.out" &
pids+=($!)
for _ in $(seq 1 100); do [ "$(wc -l <"$work/vendors.out")" -ge 2 ] && break; sleep 0.1; done
cap_url=$(awk '$1 == "capillary" { print $2 }' "$work/vendors.out")
cap_basic="Basic $(printf 'demo_till:%s' "$(printf demo-password | md5sum | cut -d' ' -f1)" | base64 -w0)"

cat >"$work/gateway.toml" <<EOF
[server]
admin_listen = "$BENCH_ADMIN_LISTEN"

[tenants.hot]
provider = "capillary"
base_url = "$cap_url"
username = "demo_till"
password = "demo-password"
api_keys = ["hot-key"]
cache_ttl_seconds = 3600
EOF
RUST_LOG=warn "$GATEWAY_BIN" serve --config "$work/gateway.toml" --listen "127.0.0.1:$GATEWAY_PORT" &
gateway_pid=$!
pids+=("$gateway_pid")

# nginx with as many workers as the machine has CPUs (the gateway's tokio runtime has as many
# threads), keep-alive to the vendor, the vendor's credentials added as the gateway adds them.
# nginx's workers run as an unprivileged user, which must be able to write the cache.
mkdir -p "$work/cache"
chmod 755 "$work"
chmod 777 "$work/cache"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    proxy_cache_path $work/cache levels=1:2 keys_zone=labels:10m max_size=100m inactive=60m use_temp_path=off;
    upstream vendor { server ${cap_url#http://}; keepalive 32; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://vendor;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "$cap_basic";
            proxy_cache labels;
            proxy_cache_valid 200 60m;
            proxy_cache_lock on;
            add_header Cache-Status \$upstream_cache_status;
        }
    }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
pids+=("$nginx_pid")

gw_url=http://127.0.0.1:$GATEWAY_PORT/v1/tenants/hot/customers/$CUSTOMER/labels
nginx_url=http://127.0.0.1:$NGINX_PORT/v2/customers/$CUSTOMER/labels
for _ in $(seq 1 100); do curl -sf -o /dev/null -H "Authorization: Bearer hot-key" "$gw_url" && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -sf -o /dev/null "$nginx_url" && break; sleep 0.1; done
curl -s -D - -o /dev/null "$nginx_url" | grep -qi '^cache-status: HIT' || { echo "nginx does not cache" >&2; exit 1; }
curl -s -D - -o /dev/null -H "Authorization: Bearer hot-key" "$gw_url" | grep -qi '^cache-status: label-gateway; hit' \
    || { echo "the gateway does not hit" >&2; exit 1; }

run() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2" >"$work/$1.wrk"; }
rps() { awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' "$work/$1.wrk"; }
pct() { awk -v k="$2" '$1 == k { print $2 }' "$work/$1.wrk"; }
run warm-g "$gw_url" "Authorization: Bearer hot-key"; run warm-n "$nginx_url" "X-Bench: 1"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""; gsum=0; nsum=0
for r in $(seq 1 "$ROUNDS"); do
    run "nginx$r" "$nginx_url" "X-Bench: 1"
    run "gateway$r" "$gw_url" "Authorization: Bearer hot-key"
    nsum=$((nsum + $(rps "nginx$r"))); gsum=$((gsum + $(rps "gateway$r")))
    rows+="| $r | nginx proxy_cache | $(rps "nginx$r") | $(pct "nginx$r" 50%) | $(pct "nginx$r" 99%) |"$'\n'
    rows+="| $r | label-gateway cache hit | $(rps "gateway$r") | $(pct "gateway$r" 50%) | $(pct "gateway$r" 99%) |"$'\n'
done
grep -h "Non-2xx\|Socket errors" "$work"/*.wrk >&2 || true
cat <<EOF
## Gateway cache hits vs nginx proxy_cache: $(date -u '+%Y-%m-%d %H:%M UTC')

- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo); $(nginx -v 2>&1)
- command: \`DURATION=$DURATION CONNECTIONS=$CONNECTIONS ROUNDS=$ROUNDS bench/vs-nginx.sh\`
  (\`wrk -t2 -c$CONNECTIONS -d$DURATION --latency\`, rounds alternate nginx then gateway);
  load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)

| round | server | req/s | p50 | p99 |
| --- | --- | ---: | ---: | ---: |
$rows
Gateway / nginx, requests/s summed: **$(awk -v g=$gsum -v n=$nsum 'BEGIN { printf "%.1f %%", 100 * g / n }')** (target ≥ 100 %).
nginx serves its cached copy without checking any client key; the gateway checks the tenant's
key (SHA-256, constant time) on every hit, so it does more per request.
EOF

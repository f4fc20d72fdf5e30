#!/usr/bin/env bash
# Issue 8, item 3: label-gateway cache hits against Debian's nginx with proxy_cache in front of
# the same simulator (the tool people would put there instead), loaded alike by wrk, alternated.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings DURATION=5s CONNECTIONS=64 ROUNDS=3 GATEWAY_PORT=18091 NGINX_PORT=18092
CUSTOMER=564663098

build label-gateway label-sim
need wrk nginx
bench_vendors 0

{
    server_table "$admin_port"
    capillary_tenant hot "$cap_url" '["hot-key"]' "cache_ttl_seconds = 3600"
} >"$work/gateway.toml"
start_gateway gateway "$GATEWAY_PORT" "$work/gateway.toml"

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
wait_for "$gw_url" "Authorization: Bearer hot-key"
wait_for "$nginx_url"
curl -s -D - -o /dev/null "$nginx_url" | grep -qi '^cache-status: HIT' || { echo "nginx does not cache" >&2; exit 1; }
curl -s -D - -o /dev/null -H "Authorization: Bearer hot-key" "$gw_url" | grep -qi '^cache-status: label-gateway; hit' \
    || { echo "the gateway does not hit" >&2; exit 1; }

run() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2" >"$work/$1.wrk"; }
run warm-g "$gw_url" "Authorization: Bearer hot-key"; run warm-n "$nginx_url" "X-Bench: 1"
load_before=$(loadavg)
rows=""; gsum=0; nsum=0
for r in $(seq 1 "$ROUNDS"); do
    run "nginx$r" "$nginx_url" "X-Bench: 1"
    run "gateway$r" "$gw_url" "Authorization: Bearer hot-key"
    nsum=$((nsum + $(rps_int "nginx$r"))); gsum=$((gsum + $(rps_int "gateway$r")))
    rows+="| $r | nginx proxy_cache | $(rps_int "nginx$r") | $(wrk_field "nginx$r" 50%) | $(wrk_field "nginx$r" 99%) |"$'\n'
    rows+="| $r | label-gateway cache hit | $(rps_int "gateway$r") | $(wrk_field "gateway$r" 50%) | $(wrk_field "gateway$r" 99%) |"$'\n'
done
grep -h "Non-2xx\|Socket errors" "$work"/*.wrk >&2 || true
cat <<EOF
## Gateway cache hits vs nginx proxy_cache: $(date -u '+%Y-%m-%d %H:%M UTC')

- machine: $(machine); $(nginx -v 2>&1)
- command: \`DURATION=$DURATION CONNECTIONS=$CONNECTIONS ROUNDS=$ROUNDS bench/vs-nginx.sh\`
  (\`wrk -t2 -c$CONNECTIONS -d$DURATION --latency\`, rounds alternate nginx then gateway);
  load average before: $load_before, after: $(loadavg)

| round | server | req/s | p50 | p99 |
| --- | --- | ---: | ---: | ---: |
$rows
Gateway / nginx, requests/s summed: **$(pct "$gsum" "$nsum") %** (target ≥ 100 %).
nginx serves its cached copy without checking any client key; the gateway checks the tenant's
key (SHA-256, constant time) on every hit, so it does more per request.
EOF

#!/usr/bin/env bash
# Slow bodies from one valid key (issue 23 item 2): FLOOD connections of one tenant's key each
# trickle a change's body a byte every half second, reopened whenever the gateway closes them,
# while another tenant reads its tenant document one request after another. Prints what the
# other tenant waited. The gateway runs with max_connections = MAX_CONNECTIONS (default 128)
# and the flood is 10 times that. BASE_BIN, if set, is a directory holding another build's
# label-gateway (e.g. the previous commit's), run the same way first, for a side-by-side line.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings MAX_CONNECTIONS=128 SECONDS_EACH=30 GATEWAY_PORT=18084
FLOOD=${FLOOD:-$((MAX_CONNECTIONS * 10))}

build label-gateway label-bench

cat >"$work/gateway.toml" <<TOML
[server]
admin_listen = "127.0.0.1:$((GATEWAY_PORT + 1000))"
max_connections = $MAX_CONNECTIONS

[tenants.flood]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["flood-key"]

[tenants.other]
provider = "capillary"
base_url = "http://127.0.0.1:9"
username = "u"
password = "p"
api_keys = ["other-key"]
TOML

run() { # label bin_dir
    RUST_LOG=error "$2/label-gateway" serve --config "$work/gateway.toml" \
        --listen "127.0.0.1:$GATEWAY_PORT" &
    local gateway_pid=$!
    pids+=("$gateway_pid")
    wait_for "http://127.0.0.1:$GATEWAY_PORT/healthz"
    printf '| %s | ' "$1"
    "$BIN/slow-flood" --addr "127.0.0.1:$GATEWAY_PORT" --flood-tenant flood --flood-key flood-key \
        --connections "$FLOOD" --probe-path /v1/tenants/other --probe-key other-key \
        --seconds "$SECONDS_EACH"
    stop "$gateway_pid"
}

echo "## Slow bodies from one key, $(date -u +%Y-%m-%d) (max_connections $MAX_CONNECTIONS, $FLOOD flood connections, ${SECONDS_EACH} s, load $(loadavg))"
echo
[ -n "${BASE_BIN:-}" ] && run "before ($BASE_BIN)" "$BASE_BIN"
run "this build" "$BIN"

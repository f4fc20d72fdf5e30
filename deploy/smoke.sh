#!/usr/bin/env bash
# deploy/smoke.sh: runs deploy/compose.yaml for real, with podman and podman-compose, against the
# vendor simulators, and checks the fleet from outside:
#   1. builds the images (deploy/images/build.sh: FROM scratch, no registry needed);
#   2. starts the simulators' container, then Redis, two gateway replicas and HAProxy, each on a
#      free loopback port of the host's network;
#   3. a label written through one replica is read back through the other, which had the customer
#      cached (Capillary: write on 1, read on 2; Trybe: write on 2, read on 1); the load balancer
#      answers for every tenant; replica 1 is killed, and the load balancer still answers every
#      request, a write through it included;
#   4. tears everything down, also on failure (then with the containers' logs first), and exits 0
#      only if every check passed.
# Needs root (podman); installs what is missing: podman and runc (Debian), podman-compose (PyPI,
# deploy/requirements.txt). deploy/README.md says how long it takes and when it runs.
#   bash deploy/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/smoke
mkdir -p "$OUT"
PROJECT=label-gateway-smoke
ENV_FILE=$OUT/smoke.env
CHECKS=0
STARTED=
BEGIN=$SECONDS

say() { echo "== smoke: $*"; }
fail() {
    echo "== smoke FAILED: $*" >&2
    exit 1
}
passed() {
    CHECKS=$((CHECKS + 1))
    echo "   ok: $*"
}

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
    say "installing podman and runc (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq podman runc >/dev/null
fi
VENV=$OUT/venv
if [[ ! -x $VENV/bin/podman-compose ]] || ! cmp -s deploy/requirements.txt "$VENV/requirements.txt"; then
    say "installing podman-compose (PyPI, deploy/requirements.txt)"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r deploy/requirements.txt
    cp deploy/requirements.txt "$VENV/requirements.txt"
fi
# What podman needs where this was written (deploy/README.md, "Where it runs"): crun refuses
# hybrid cgroups, and setting the ulimits is not permitted.
cat >"$OUT/containers.conf" <<'CONF'
[containers]
default_ulimits = []
pids_limit = 0
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
export CONTAINERS_CONF=$OUT/containers.conf

say "building the images"
bash deploy/images/build.sh

compose() {
    "$VENV/bin/podman-compose" --in-pod false --project-name "$PROJECT" --env-file "$ENV_FILE" \
        --profile sims -f deploy/compose.yaml "$@"
}
container() { echo "${PROJECT}_$1_1"; }

teardown() {
    local status=$?
    if [[ -n $STARTED ]]; then
        if [[ $status -ne 0 ]]; then
            for service in sims redis gateway-1 gateway-2 lb; do
                echo "-- last lines of $service's log:" >&2
                podman logs --tail 20 "$(container "$service")" >&2 2>&1 || true
            done
        fi
        say "tearing down"
        compose down -v -t 45 >"$OUT/down.log" 2>&1 || {
            echo "podman-compose down failed; its output: $OUT/down.log" >&2
            status=1
        }
    fi
    if [[ $status -eq 0 ]]; then
        say "passed: $CHECKS checks in $((SECONDS - BEGIN)) s"
    fi
    exit "$status"
}
trap teardown EXIT

# Free loopback ports, as the kernel hands them out: LB, replica 1 (API, admin), replica 2, Redis.
read -r LB_PORT G1_PORT G1_ADMIN G2_PORT G2_ADMIN REDIS_PORT < <(
    python3 -c '
import socket
socks = [socket.socket() for _ in range(6)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))'
)
ACME_KEY=smoke-acme-key GLOBEX_KEY=smoke-globex-key INITECH_KEY=smoke-initech-key
# The simulators' credentials are the demo's (crates/label-sim). podman-compose reads every
# variable of the file whatever it starts: the vendor URLs are filled in once the simulators have
# chosen their ports.
cat >"$ENV_FILE" <<ENV
LB_PORT=$LB_PORT
GATEWAY_1_PORT=$G1_PORT
GATEWAY_1_ADMIN_PORT=$G1_ADMIN
GATEWAY_2_PORT=$G2_PORT
GATEWAY_2_ADMIN_PORT=$G2_ADMIN
REDIS_PORT=$REDIS_PORT
ACME_CAPILLARY_USERNAME=demo_till
ACME_CAPILLARY_PASSWORD=demo-password
ACME_API_KEY=$ACME_KEY
GLOBEX_TRYBE_TOKEN=trybe-demo-token
GLOBEX_API_KEY=$GLOBEX_KEY
INITECH_ACTIONHUB_KEY=demo-actionhub-key
INITECH_API_KEY=$INITECH_KEY
ACME_CAPILLARY_URL=pending
GLOBEX_TRYBE_URL=pending
INITECH_ACTIONHUB_URL=pending
ENV

say "starting the simulators"
# Left over from a run that was killed before it could tear down.
compose down -v -t 5 >/dev/null 2>&1 || true
STARTED=1
compose up -d sims >"$OUT/up-sims.log" 2>&1 || { cat "$OUT/up-sims.log" >&2; fail "sims did not start"; }
for _ in $(seq 100); do
    podman logs "$(container sims)" >"$OUT/sims.out" 2>&1 || true
    [[ $(grep -c '^[a-z]* http://' "$OUT/sims.out") -ge 3 ]] && break
    sleep 0.1
done
sim_url() { awk -v name="$1" '$1 == name { print $2 }' "$OUT/sims.out"; }
for vendor in capillary trybe actionhub; do
    [[ -n $(sim_url "$vendor") ]] || fail "the simulators printed no $vendor URL: $(cat "$OUT/sims.out")"
done
sed -i -e "s|^ACME_CAPILLARY_URL=.*|ACME_CAPILLARY_URL=$(sim_url capillary)|" \
    -e "s|^GLOBEX_TRYBE_URL=.*|GLOBEX_TRYBE_URL=$(sim_url trybe)|" \
    -e "s|^INITECH_ACTIONHUB_URL=.*|INITECH_ACTIONHUB_URL=$(sim_url actionhub)|" "$ENV_FILE"

say "starting Redis, two gateway replicas and the load balancer"
# --no-cleanup: the simulators keep running (and keep their ports).
compose --no-cleanup up -d redis gateway-1 gateway-2 lb >"$OUT/up.log" 2>&1 \
    || { cat "$OUT/up.log" >&2; fail "podman-compose up failed"; }

G1=http://127.0.0.1:$G1_PORT
G2=http://127.0.0.1:$G2_PORT
LB=http://127.0.0.1:$LB_PORT
BODY=$OUT/body
HEADERS=$OUT/headers

# METHOD URL KEY [JSON]: the body goes to $BODY, the headers to $HEADERS, the status to stdout
# (000 when nothing answered).
call() {
    local args=(-s -o "$BODY" -D "$HEADERS" -w '%{http_code}' --max-time 10 -X "$1"
        -H "Authorization: Bearer $3")
    [[ -n ${4:-} ]] && args+=(-H 'Content-Type: application/json' -d "$4")
    curl "${args[@]}" "$2" || true
}
# URL: waits until /readyz answers 200 with the shared state connected (a replica that cannot
# reach Redis is ready too, but degraded: not what this fleet is for).
ready() {
    local status
    for _ in $(seq 300); do
        status=$(curl -s -o "$BODY" -w '%{http_code}' --max-time 2 "$1/readyz" || true)
        [[ $status == 200 ]] && jq -e '.state == "connected"' "$BODY" >/dev/null && return 0
        sleep 0.1
    done
    fail "$1/readyz never answered 200 with the state connected (last: $status $(cat "$BODY"))"
}
ready "$G1" && passed "replica 1 ready at $G1"
ready "$G2" && passed "replica 2 ready at $G2"
ready "$LB" && passed "load balancer ready at $LB"

# TENANT KEY CUSTOMER LABEL WRITER READER: the reader caches the customer, the writer adds the
# label, and the reader's next answer has it, from the vendor (its entry was dropped fleet-wide).
write_then_read() {
    local tenant=$1 key=$2 customer=$3 label=$4 writer=$5 reader=$6
    local path=/v1/tenants/$tenant/customers/$customer/labels status
    for _ in 1 2; do
        status=$(call GET "$reader$path" "$key")
        [[ $status == 200 ]] || fail "GET $reader$path: $status $(cat "$BODY")"
    done
    grep -qi '^cache-status: .*hit' "$HEADERS" || fail "the reader did not cache $customer"
    jq -e --arg l "$label" 'all(.labels[]; .name != $l)' "$BODY" >/dev/null \
        || fail "$customer has $label already"
    status=$(call PATCH "$writer$path" "$key" "{\"add\":[{\"name\":\"$label\"}]}")
    [[ $status == 200 ]] || fail "PATCH $writer$path: $status $(cat "$BODY")"
    jq -e '.results[0].status == "applied"' "$BODY" >/dev/null || fail "not applied: $(cat "$BODY")"
    # The invalidation travels through Redis (target p99 under 10 ms): allow it 2 s.
    for _ in $(seq 40); do
        status=$(call GET "$reader$path" "$key")
        [[ $status == 200 ]] || fail "GET $reader$path: $status $(cat "$BODY")"
        jq -e --arg l "$label" 'any(.labels[]; .name == $l)' "$BODY" >/dev/null && break
        sleep 0.05
    done
    jq -e --arg l "$label" 'any(.labels[]; .name == $l)' "$BODY" >/dev/null \
        || fail "$reader still answers $customer without $label: $(cat "$BODY")"
    passed "$tenant: '$label' written through $writer, read back through $reader"
}
write_then_read acme "$ACME_KEY" 564663098 VIP "$G1" "$G2"
write_then_read globex "$GLOBEX_KEY" 9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b "Gym Member" "$G2" "$G1"

# Through the load balancer, every tenant, several times (both replicas answer in turn).
lb_reads() {
    local status
    for _ in $(seq "$1"); do
        for target in acme:$ACME_KEY:564663098 globex:$GLOBEX_KEY:9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b \
            initech:$INITECH_KEY:user-1001; do
            IFS=: read -r tenant key customer <<<"$target"
            status=$(call GET "$LB/v1/tenants/$tenant/customers/$customer/labels" "$key")
            [[ $status == 200 ]] || fail "${2:-}: GET $tenant's $customer through the load balancer: $status"
        done
    done
}
lb_reads 10
passed "load balancer: 30 reads of three tenants, every one 200"

say "killing replica 1"
podman kill "$(container gateway-1)" >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$G1/healthz" || true)
[[ $status == 000 ]] || fail "replica 1 still answers ($status)"
passed "replica 1 is gone"
lb_reads 10 "replica 1 killed"
passed "load balancer with replica 1 killed: 30 reads of three tenants, every one 200"
path=/v1/tenants/acme/customers/564663098/labels
status=$(call PATCH "$LB$path" "$ACME_KEY" '{"remove":[{"name":"VIP"}]}')
[[ $status == 200 ]] || fail "PATCH through the load balancer: $status $(cat "$BODY")"
jq -e '.results[0].status == "applied"' "$BODY" >/dev/null || fail "not applied: $(cat "$BODY")"
status=$(call GET "$LB$path" "$ACME_KEY")
jq -e 'all(.labels[]; .name != "VIP")' "$BODY" >/dev/null || fail "VIP still there: $(cat "$BODY")"
passed "load balancer with replica 1 killed: a write, then its read"

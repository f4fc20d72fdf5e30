#!/usr/bin/env bash
# Builds the images deploy/compose.yaml runs, FROM scratch, with no base image pulled:
#   localhost/label-gateway:local          the production binary (dist profile, no simulators)
#   localhost/label-gateway-redis:7        the host's redis-server (Debian's redis-server package)
#   localhost/label-gateway-haproxy:2.6    the host's haproxy (Debian's haproxy package)
#   localhost/label-gateway-sims:local     the vendor simulators (label-sim's bench-vendors)
# Each is a root file system staged by rootfs.sh (the program, the libraries `ldd` names, an
# /etc/passwd line), as an archive under $CARGO_TARGET_DIR/images, then `podman build` (ENGINE=docker works too).
#   bash deploy/images/build.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
STAGE=$TARGET/images
ENGINE=${ENGINE:-podman}

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v haproxy >/dev/null || missing+=(haproxy)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing ${missing[*]} (Debian packages) for the images"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== images: cargo build (dist profile, then the simulators)"
cargo build --profile dist --locked --quiet -p label-gateway --bin label-gateway --no-default-features
cargo build --locked --quiet -p label-sim --bin bench-vendors

stage() { # NAME UID:GID USER PROGRAM...
    local name=$1
    shift
    mkdir -p "$STAGE/$name"
    bash deploy/images/rootfs.sh "$STAGE/$name/rootfs.tar" "$@"
}
stage gateway 10001:10001 label-gateway "$TARGET/dist/label-gateway"
stage redis 999:999 redis "$(command -v redis-server)" "$(command -v redis-cli)"
stage haproxy 99:99 haproxy "$(command -v haproxy)"
stage sims 10002:10002 label-sim "$TARGET/debug/bench-vendors"

build() { # NAME TAG
    echo "== images: $2"
    "$ENGINE" build --quiet --tag "$2" --file "deploy/images/$1.Containerfile" "$STAGE/$1" >/dev/null
}
build gateway localhost/label-gateway:local
build redis localhost/label-gateway-redis:7
build haproxy localhost/label-gateway-haproxy:2.6
build sims localhost/label-gateway-sims:local

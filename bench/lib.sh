# Sourced by the bench scripts, from the repository root: builds the packages given, in release
# mode, and sets BIN (their directory), work (a scratch directory) and pids (processes to stop
# on exit, which the script appends to).
# shellcheck shell=bash
packages=()
for package in "$@"; do packages+=(-p "$package"); done
cargo build --release --quiet "${packages[@]}"
BIN=${CARGO_TARGET_DIR:-target}/release
# GATEWAY_BIN=path loads another build of the gateway (an older commit's, say) with the same
# script, for a before/after side by side.
GATEWAY_BIN=${GATEWAY_BIN:-$BIN/label-gateway}
work=$(mktemp -d)
pids=()
# The gateway's admin listener (/metrics): a port beside the script's gateway port, so that
# two scripts never collide on the default 9464.
export BENCH_ADMIN_LISTEN=127.0.0.1:$((${GATEWAY_PORT:-18080} + 1000))
admin=http://$BENCH_ADMIN_LISTEN
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

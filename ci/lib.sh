# Sourced by the ci scripts, with the script's name: `source "$(dirname "$0")/lib.sh" NAME`.
# Runs from the repository root and sets ROOT, TARGET (cargo's target directory) and OUT
# ($TARGET/NAME, made), where the script keeps its logs and tools; and gives the steps the
# scripts share.
# shellcheck shell=bash
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/$1
mkdir -p "$OUT"

# venv PIP_ARGS...: a Python virtual environment in VENV ($OUT/venv) with pip's PIP_ARGS
# installed. Made anew only when the arguments or a file they name (requirements, constraints)
# changed since it was made, so a pin moved in the repository reaches it and a run without
# network reuses it.
venv() {
    VENV=$OUT/venv
    local stamp
    stamp=$(for arg in "$@"; do
        echo "$arg"
        if [[ -f $arg ]]; then cat "$arg"; fi
    done)
    if [[ ! -x $VENV/bin/python ]] || [[ $(cat "$VENV/installed" 2>/dev/null) != "$stamp" ]]; then
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet --disable-pip-version-check "$@"
        printf '%s\n' "$stamp" >"$VENV/installed"
    fi
}

# debian COMMAND [PACKAGE]: installs Debian's PACKAGE (named as COMMAND unless given) unless
# COMMAND is on the PATH.
debian() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing ${2:-$1} (Debian package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${2:-$1}" >/dev/null
}

# stop PID...: ends the processes the script started and waits for them.
stop() {
    local pid
    for pid in "$@"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}

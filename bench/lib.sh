# Sourced by each bench script first: `source "$(dirname "$0")/lib.sh"`. Runs the script from the
# repository root in bash's strict mode and gives the steps the scripts share, each a small
# function, so that a script states only what it measures: its settings, then
# `build PACKAGE...`, then its processes, its load and its Markdown.
# Variables set here are the scripts' own:
# shellcheck shell=bash disable=SC2034
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit

# settings NAME=DEFAULT...: each NAME from the environment, DEFAULT where it is unset or empty.
settings() {
    local setting name
    for setting in "$@"; do
        name=${setting%%=*}
        declare -g "$name=${!name:-${setting#*=}}"
    done
}

# build PACKAGE...: builds the packages in release mode and sets BIN (their directory),
# GATEWAY_BIN, work (a scratch directory, removed on exit), pids (processes stopped on exit,
# which the functions below append to) and the gateway's admin listener beside GATEWAY_PORT.
build() {
    local packages=() package
    for package in "$@"; do packages+=(-p "$package"); done
    cargo build --release --quiet "${packages[@]}"
    BIN=${CARGO_TARGET_DIR:-target}/release
    # GATEWAY_BIN=path loads another build of the gateway (an older commit's, say) with the same
    # script, for a before/after side by side.
    GATEWAY_BIN=${GATEWAY_BIN:-$BIN/label-gateway}
    work=$(mktemp -d)
    pids=()
    # The admin listener (/metrics): a port beside the script's gateway port, so that two
    # scripts never collide on the default 9464.
    admin_port=$((${GATEWAY_PORT:-18080} + 1000))
    export BENCH_ADMIN_LISTEN=127.0.0.1:$admin_port
    admin=http://$BENCH_ADMIN_LISTEN
    trap cleanup EXIT
}
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}

# --- tools and processes ---------------------------------------------------------------------

# need TOOL...: installs Debian's package of each TOOL (wrk, redis-server, nginx) not on the PATH.
need() {
    local tool sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
    for tool in "$@"; do
        command -v "$tool" >/dev/null && continue
        echo "installing $tool" >&2
        $sudo apt-get update -qq && $sudo apt-get install -y -qq "$tool" >/dev/null
    done
}

# stop PID...: ends the processes and waits for them (a killed process's exit status is no
# failure of the script), and forgets them, so that the clean-up kills no process that took
# their number since.
stop() {
    local pid kept=()
    for pid in "$@"; do
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    done
    for pid in "${pids[@]}"; do
        [[ " $* " == *" $pid "* ]] || kept+=("$pid")
    done
    pids=("${kept[@]}")
}

# spawn NAME COMMAND...: starts a helper in the background, its stdout in $work/NAME.out, its pid
# in $spawned (and in pids).
spawn() {
    local name=$1
    shift
    : >"$work/$name.out"
    "$@" >>"$work/$name.out" &
    spawned=$!
    pids+=("$spawned")
}

# printed NAME [LINES]: once the helper NAME has printed LINES lines (1; 10 s at most), its first
# line: the URL it serves on.
printed() {
    for _ in $(seq 1 100); do
        [ "$(wc -l <"$work/$1.out")" -ge "${2:-1}" ] && { head -n1 "$work/$1.out"; return; }
        sleep 0.1
    done
    echo "$1 printed nothing" >&2
    return 1
}

# synthetic_vendor: the Capillary simulator in which any numeric customer exists with five labels
# (bench/src/bin/synthetic-vendor.rs); its URL in vendor_url.
synthetic_vendor() {
    spawn vendor "$BIN/synthetic-vendor"
    vendor_url=$(printed vendor)
}

# bench_vendors CATALOG: the vendor simulators (bench-vendors, the Capillary catalog padded to
# CATALOG labels); cap_url, trybe_url, and cap_basic, Capillary's Authorization header.
bench_vendors() {
    spawn vendors "$BIN/bench-vendors" "$1"
    printed vendors 2 >/dev/null
    cap_url=$(awk '$1 == "capillary" { print $2 }' "$work/vendors.out")
    trybe_url=$(awk '$1 == "trybe" { print $2 }' "$work/vendors.out")
    cap_basic="Basic $(printf 'demo_till:%s' "$(printf demo-password | md5sum | cut -d' ' -f1)" | base64 -w0)"
}

# start_redis PORT: a redis-server of the script's own on PORT, without persistence, once it
# answers.
start_redis() {
    need redis-server
    redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
    pids+=("$!")
    for _ in $(seq 1 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.1; done
    echo "redis-server on port $1 does not answer" >&2
    return 1
}

# wait_for URL [HEADER]: until a GET of URL answers 2xx (10 s at most).
wait_for() {
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null ${2:+-H "$2"} "$1" && return
        sleep 0.1
    done
    echo "no answer from $1" >&2
    return 1
}

# start_gateway NAME PORT CONFIG: `label-gateway serve` (GATEWAY_BIN, RUST_LOG=warn) on PORT, its
# output in $work/NAME.log; returns once /healthz answers, its pid in $started.
start_gateway() {
    RUST_LOG=warn "$GATEWAY_BIN" serve --config "$3" --listen "127.0.0.1:$2" >"$work/$1.log" 2>&1 &
    started=$!
    pids+=("$started")
    wait_for "http://127.0.0.1:$2/healthz" || { tail -n 20 "$work/$1.log" >&2; return 1; }
}

# connected URL...: until each gateway's /readyz says its Redis link is connected.
connected() {
    local url
    for url in "$@"; do
        for _ in $(seq 1 100); do
            curl -sf "$url/readyz" | grep -q connected && continue 2
            sleep 0.1
        done
        echo "$url never connected to Redis" >&2
        return 1
    done
}

# --- the gateway's configuration ---------------------------------------------------------------

# server_table ADMIN_PORT [LINE...]: [server] with the admin listener on ADMIN_PORT (admin_port:
# the one beside the script's gateway port) and the lines given.
server_table() {
    printf '[server]\nadmin_listen = "127.0.0.1:%s"\n' "$1"
    [ $# -le 1 ] || printf '%s\n' "${@:2}"
    echo
}

# state_table REDIS_PORT [PREFIX]: [state] on the script's redis-server, keys under PREFIX (bench).
state_table() {
    printf '[state]\nredis_url = "redis://127.0.0.1:%s"\nkey_prefix = "%s"\n\n' "$1" "${2:-bench}"
}

# capillary_tenant NAME URL KEYS [LINE...]: [tenants.NAME] on the Capillary vendor at URL with the
# demo's credentials, `api_keys = KEYS` (TOML) and the lines given.
capillary_tenant() {
    printf '[tenants.%s]\nprovider = "capillary"\nbase_url = "%s"\n' "$1" "$2"
    printf 'username = "demo_till"\npassword = "demo-password"\napi_keys = %s\n' "$3"
    [ $# -le 3 ] || printf '%s\n' "${@:4}"
    echo
}

# --- measuring ---------------------------------------------------------------------------------

# wrk_field NAME KEY: the value after KEY ("Requests/sec:", "50%", "99%") in $work/NAME.wrk.
wrk_field() { awk -v k="$2" '$1 == k { print $2 }' "$work/$1.wrk"; }
rps() { wrk_field "$1" Requests/sec:; }
rps_int() { printf '%.0f' "$(rps "$1")"; }
# us NAME PERCENTILE: a wrk latency percentile ("71.00us", "1.20ms") in µs.
us() {
    awk -v v="$(wrk_field "$1" "$2")" \
        'BEGIN { n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[0-9]s$/) n *= 1e6; printf "%.0f", n }'
}
# tally WHO CONNECTIONS RUN: adds the run's req/s to total[WHO CONNECTIONS] and its p50 (µs) to
# total[WHO p50_ CONNECTIONS], in the script's associative array `total`, for sums over rounds.
tally() {
    total[$1$2]=$(add "${total[$1$2]:-0}" "$(rps "$3")")
    total[${1}p50_$2]=$(add "${total[${1}p50_$2]:-0}" "$(us "$3" 50%)")
}
# cells RUN: a Markdown row's req/s, p50 µs and p99 µs cells of the run, and its server CPU µs per
# request where the script wrote them to $work/RUN.cpu.
cells() {
    echo -n "$(rps "$1") | $(us "$1" 50%) | $(us "$1" 99%)"
    if [ -f "$work/$1.cpu" ]; then echo -n " | $(cat "$work/$1.cpu")"; fi
    echo
}
# wrk_run NAME CONNECTIONS URL [HEADER...]: wrk --latency for DURATION at CONNECTIONS (one thread
# for one connection, else two) with the headers; its report in $work/NAME.wrk.
wrk_run() {
    local name=$1 width=$2 url=$3 header headers=()
    shift 3
    for header in "$@"; do headers+=(-H "$header"); done
    wrk -t"$(( width < 2 ? 1 : 2 ))" -c"$width" -d"$DURATION" --latency "${headers[@]}" "$url" \
        >"$work/$name.wrk"
}
# alternate ROUNDS CONNECTIONS WHO...: ROUNDS rounds, each loading every WHO in turn at each of
# CONNECTIONS (a list) through the script's `measure WHO CONNECTIONS RUN`, RUN naming the run's
# report; each run tallied and given a row in $rows: round, connections, who and its cells.
alternate() {
    local round width who run
    for round in $(seq 1 "$1"); do
        for width in $2; do
            for who in "${@:3}"; do
                run=$who$width-$round
                measure "$who" "$width" "$run"
                tally "$who" "$width" "$run"
                rows+="| $round | $width | $who | $(cells "$run") |"$'\n'
            done
        done
    done
}
# wrk_errors NAME: prints the report and fails if wrk saw an answer that is not 2xx or a socket
# error.
wrk_errors() {
    if grep -q "Non-2xx\|Socket errors" "$work/$1.wrk"; then
        echo "errors in $1:" >&2
        cat "$work/$1.wrk" >&2
        return 1
    fi
}

# cpu_ticks PID: the CPU time (user + system, clock ticks) the process has used: what a request
# costs a server, whatever else the machine runs meanwhile (other load changes req/s, not this).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# cpu_per_request NAME TICKS [DECIMALS]: µs of CPU per request of the run in $work/NAME.wrk.
cpu_per_request() {
    awk -v t="$2" -v hz="$(getconf CLK_TCK)" -v f="%.${3:-1}f" \
        '/requests in/ { printf f, t * 1e6 / hz / $1 }' "$work/$1.wrk"
}

# metric_sum METRIC MATCH URL...: METRIC's series holding MATCH ("" for all), summed over the
# /metrics of each URL.
metric_sum() {
    local name=$1 match=$2 url
    shift 2
    for url in "$@"; do curl -s "$url/metrics"; done |
        awk -v m="$name{" -v s="$match" 'index($0, m) == 1 && (s == "" || index($0, s)) { n += $NF } END { print n + 0 }'
}

kib() { awk -v f="$2" '$1 == f":" { print $2 }' "/proc/$1/status"; } # PID FIELD (VmRSS, VmHWM)
seconds() { date +%s.%N; }
since() { awk -v a="$1" -v b="${2:-$(seconds)}" 'BEGIN { printf "%.1f", b - a }'; } # T0 [T1]: s
add() { awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; }
pct() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", 100 * x / y }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
machine() { echo "$(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"; }

# --- jobs --------------------------------------------------------------------------------------

# job_body FIRST COUNT FILE [REMOVE]: a change job adding VIP (and removing the label REMOVE) to
# customers FIRST..FIRST+COUNT-1.
job_body() {
    seq "$1" $(($1 + $2 - 1)) | awk -v remove="${4:-}" '
        BEGIN {
            printf "{\"kind\":\"change\",\"add\":[{\"name\":\"VIP\"}],"
            if (remove != "") printf "\"remove\":[{\"name\":\"%s\"}],", remove
            printf "\"customers\":["
        }
        { printf "%s\"%s\"", (NR > 1 ? "," : ""), $1 } END { print "]}" }' >"$3"
}
# submit_job URL FILE: the id of the job FILE submitted to tenant bench with KEY.
submit_job() {
    curl -sf -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary "@$2" \
        "$1/v1/tenants/bench/jobs" | sed -E 's/.*"id":"([^"]+)".*/\1/'
}
job_view() { curl -sf -H "Authorization: Bearer $KEY" "$1/v1/tenants/bench/jobs/$2"; } # URL ID
job_ended() { grep -qE '"state":"(succeeded|failed|cancelled)"' <<<"$1"; }                # VIEW

#!/usr/bin/env bash
# CORS as a browser enforces it: the demo started with one allowed origin
# (`label-gateway demo --cors-origin`), a page served from that origin and one from another
# (python's http.server on two more ports), and Chromium (Debian's package; Playwright from PyPI
# drives it, since its own browser download is not a package registry) fetching a customer's
# labels and making a preflighted PATCH from each (ci/browser_check.py). Installs what it
# needs. Called by ci/api-checks.sh; runs alone too: bash ci/browser-check.sh
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh" browser-check
PIDS=()
cleanup() { stop "${PIDS[@]}"; }
trap cleanup EXIT

debian chromium
CHROMIUM=$(command -v chromium)
venv -r ci/browser-requirements.txt

GATEWAY_BIN=${GATEWAY_BIN:-$TARGET/debug/label-gateway}
if [[ ! -x $GATEWAY_BIN ]]; then
    cargo build --locked --quiet -p label-gateway --bin label-gateway
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
GATEWAY_PORT=$(free_port)
ALLOWED_PORT=$(free_port)
UNLISTED_PORT=$(free_port)
while [[ $UNLISTED_PORT == "$ALLOWED_PORT" ]]; do UNLISTED_PORT=$(free_port); done
ALLOWED=http://127.0.0.1:$ALLOWED_PORT
UNLISTED=http://127.0.0.1:$UNLISTED_PORT

PAGES=$OUT/pages
mkdir -p "$PAGES"
printf '<!doctype html><title>browser check</title><p>label-gateway CORS check</p>\n' >"$PAGES/index.html"
for port in "$ALLOWED_PORT" "$UNLISTED_PORT"; do
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$PAGES" >"$OUT/pages-$port.log" 2>&1 &
    PIDS+=($!)
done
"$GATEWAY_BIN" demo --listen "127.0.0.1:$GATEWAY_PORT" --cors-origin "$ALLOWED" >"$OUT/demo.log" 2>&1 &
PIDS+=($!)

# Everything answers before the browser starts.
python3 - "$GATEWAY_PORT" "$ALLOWED_PORT" "$UNLISTED_PORT" <<'PY'
import socket, sys, time
deadline = time.time() + 60
for port in sys.argv[1:]:
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline:
                sys.exit(f"nothing answers on port {port}")
            time.sleep(0.1)
PY

"$VENV/bin/python" ci/browser_check.py "http://127.0.0.1:$GATEWAY_PORT" \
    "$ALLOWED/index.html" "$UNLISTED/index.html" "$CHROMIUM"

#!/usr/bin/env bash
# The API as its users meet it, against a running `label-gateway demo`: the committed OpenAPI
# document validates (openapi-spec-validator, and openapi-generator's own validation) and passes
# Redocly's and Spectral's linters and the OWASP API Security Top 10 ruleset with nothing left
# unexplained (ci/lint); four clients generate from it without a warning and drive the demo
# (openapi-python-client, openapi-generator's python with its answer validation, @hey-api/openapi-ts,
# openapi-typescript with openapi-fetch); schemathesis
# runs every phase, the stateful one along the document's links included, for every demo tenant,
# and its numbers close the output; every documented status is seen or excluded with a reason
# (ci/statuses.py); Chromium calls a demo from another origin, allowed and not (ci/browser-check.sh).
# Installs what it needs from PyPI, npm and Debian, pinned.
# Called by .ci/run; runs alone too: bash ci/api-checks.sh
set -euo pipefail
# shellcheck source=ci/lib.sh
source "$(dirname "$0")/lib.sh" api-checks
DOCUMENT=$ROOT/openapi/label-gateway.json
DEMO_PID=
STEP_NAME=
STEP_START=$SECONDS
TIMES=()

# Starts a step, noting how long the one before took.
step() {
    [[ -n $STEP_NAME ]] && TIMES+=("$(printf '%4ds  %s' $((SECONDS - STEP_START)) "$STEP_NAME")")
    STEP_NAME=$1
    STEP_START=$SECONDS
    echo "== api-checks: $1"
}

finish() {
    local status=$?
    if [[ -n $DEMO_PID ]]; then stop "$DEMO_PID"; fi
    if [[ $status -ne 0 ]]; then
        echo "== api-checks FAILED in step: $STEP_NAME (exit $status)" >&2
        if [[ -f $OUT/demo.log ]]; then
            echo "-- last lines of the demo's log ($OUT/demo.log):" >&2
            tail -n 40 "$OUT/demo.log" >&2
        fi
    fi
    exit "$status"
}
trap finish EXIT

# A generator's output must not warn about the document: a warning means a piece of the client
# is missing or guessed.
no_warnings() {
    local log=$1
    if grep -qiE 'warn|error' "$log"; then
        echo "the generator warned; its output:" >&2
        cat "$log" >&2
        return 1
    fi
}

step "install schemathesis and openapi-python-client (PyPI, ci/requirements.txt)"
venv -r ci/requirements.txt -c ci/constraints.txt

step "install the linters and the TypeScript generators (npm ci: ci/lint, clients/typescript, clients/openapi-fetch)"
for package in ci/lint clients/typescript clients/openapi-fetch; do
    (cd "$package" && npm ci --no-audit --no-fund --loglevel=error)
done

step "validate the document: openapi-spec-validator, openapi-generator (Java)"
"$VENV/bin/openapi-spec-validator" "$DOCUMENT"
# openapi-generator validates every document it generates from unless told to skip; this is
# that validation alone, with its own parser (swagger-parser), stricter in places.
"$VENV/bin/openapi-generator-cli" validate -i "$DOCUMENT"

step "lint the document: Redocly (recommended), Spectral (spectral:oas)"
# Every error and every warning fails; what stays is explained in ci/lint's rule files.
(cd ci/lint && ./node_modules/.bin/redocly lint --config redocly.yaml --format=json "$DOCUMENT") \
    >"$OUT/redocly.json" 2>"$OUT/redocly.log" || true
node ci/lint/redocly-totals.mjs "$OUT/redocly.json" || { cat "$OUT/redocly.log" >&2; exit 1; }
(cd ci/lint && ./node_modules/.bin/spectral lint --fail-severity=warn --ruleset .spectral.yaml "$DOCUMENT")

step "lint the document: OWASP API Security Top 10 (Spectral, ci/lint/.spectral-owasp.yaml)"
# Every rule on what a client sends; each exception is explained in the ruleset file.
(cd ci/lint && ./node_modules/.bin/spectral lint --fail-severity=warn \
    --ruleset .spectral-owasp.yaml "$DOCUMENT")

step "generate the Python client"
rm -rf clients/python/label_gateway_client
"$VENV/bin/openapi-python-client" generate --path "$DOCUMENT" --meta none \
    --config clients/python/config.yaml --output-path clients/python/label_gateway_client \
    >"$OUT/python-generate.log" 2>&1 || { cat "$OUT/python-generate.log" >&2; exit 1; }
no_warnings "$OUT/python-generate.log"

step "generate the openapi-generator Python client (pydantic models that validate every answer)"
GENERATED=clients/openapi-generator/generated
rm -rf "$GENERATED"
"$VENV/bin/openapi-generator-cli" generate -i "$DOCUMENT" -g python -o "$GENERATED" \
    --package-name label_gateway_og --additional-properties=projectName=label-gateway-og \
    --global-property=apiTests=false,modelTests=false,apiDocs=false,modelDocs=false \
    >"$OUT/openapi-generator.log" 2>&1 || { cat "$OUT/openapi-generator.log" >&2; exit 1; }
# Its log names every file it writes (error_kind.py among them), so only its WARN and ERROR
# lines count. Two warnings are known and left: "OpenAPI 3.1 support is still in beta" (any 3.1
# document), and "Failed to get the schema name: null", given for schemas it cannot name, such
# as the `oneOf: [null, $ref]` of CopyJob's nullable `mode` and `unmapped`. Anything else fails.
if grep -E '^\[[^]]*\] +(WARN|ERROR)' "$OUT/openapi-generator.log" \
    | grep -vE 'OpenAPI 3.1 support is still in beta|Failed to get the schema name: null'; then
    echo "openapi-generator warned (above); its whole log: $OUT/openapi-generator.log" >&2
    exit 1
fi

step "generate and compile the TypeScript client"
rm -rf clients/typescript/src/client clients/typescript/dist
(cd clients/typescript && ./node_modules/.bin/openapi-ts) >"$OUT/ts-generate.log" 2>&1 \
    || { cat "$OUT/ts-generate.log" >&2; exit 1; }
no_warnings "$OUT/ts-generate.log"
(cd clients/typescript && ./node_modules/.bin/tsc -p .)

step "generate and compile the openapi-typescript types with openapi-fetch (tsc --strict)"
rm -rf clients/openapi-fetch/src/schema.d.ts clients/openapi-fetch/dist
(cd clients/openapi-fetch && ./node_modules/.bin/openapi-typescript "$DOCUMENT" -o src/schema.d.ts) \
    >"$OUT/openapi-typescript.log" 2>&1 || { cat "$OUT/openapi-typescript.log" >&2; exit 1; }
no_warnings "$OUT/openapi-typescript.log"
(cd clients/openapi-fetch && ./node_modules/.bin/tsc -p .)

step "build label-gateway"
cargo build --locked --quiet -p label-gateway --bin label-gateway

step "start the demo"
# Port 0: the kernel picks a free port, which the demo's banner names.
"$TARGET/debug/label-gateway" demo --listen 127.0.0.1:0 >"$OUT/demo.log" 2>&1 &
DEMO_PID=$!
BASE_URL=
for _ in $(seq 100); do
    BASE_URL=$(sed -n 's/^label-gateway demo listening on \(http:[^ ]*\).*/\1/p' "$OUT/demo.log")
    [[ -n $BASE_URL ]] && break
    kill -0 "$DEMO_PID" || { echo "the demo exited" >&2; exit 1; }
    sleep 0.1
done
[[ -n $BASE_URL ]] || { echo "the demo printed no address" >&2; exit 1; }
"$VENV/bin/python" - "$BASE_URL/readyz" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200:
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(f"{sys.argv[1]} never answered 200")
EOF
echo "demo at $BASE_URL"

step "Python client against the demo"
(cd clients/python && "$VENV/bin/python" demo.py "$BASE_URL")

step "openapi-generator Python client against the demo: a job's failed customer and its problem"
(cd clients/openapi-generator && PYTHONPATH=generated "$VENV/bin/python" demo.py "$BASE_URL")

step "TypeScript client against the demo"
node clients/typescript/dist/demo.js "$BASE_URL"

step "openapi-fetch client against the demo"
node clients/openapi-fetch/dist/demo.js "$BASE_URL"

step "schemathesis: every phase (examples, coverage, fuzzing, stateful links), every tenant"
# Every check but "deleted resource still available": the one DELETE, on a job, cancels it, and
# the job and what it did stay readable (what is done stays done).
# One run for the three demo tenants: ci/schemathesis_hooks.py gives each request the key of the
# tenant its path names. From $OUT: schemathesis and hypothesis keep state in the working
# directory.
(cd "$OUT" && ST_BASE_URL=$BASE_URL SCHEMATHESIS_HOOKS=$ROOT/ci/schemathesis_hooks.py \
    "$VENV/bin/schemathesis" --config-file "$ROOT/ci/schemathesis.toml" run "$DOCUMENT" \
    --checks all --exclude-checks use_after_free \
    --report har --report-har-path "$OUT/schemathesis.har") \
    | tee "$OUT/schemathesis.log"

step "every documented status seen or excluded"
"$VENV/bin/python" ci/statuses.py "$BASE_URL" "$DOCUMENT" "$OUT/schemathesis.har"

step "CORS in a real browser: Chromium calls a demo of its own from an allowed and an unlisted origin"
GATEWAY_BIN=$TARGET/debug/label-gateway bash ci/browser-check.sh

step "done"
printf '%s\n' "== api-checks: passed; time per step:" "${TIMES[@]}"
# Schemathesis's own summary: its test cases over every phase, and the stateful phase's
# scenarios and the links they followed.
cases=$(sed -n '/^Test cases:/{n;s/^ *//;p}' "$OUT/schemathesis.log")
scenarios=$(sed -n 's/^ *Scenarios: *//p' "$OUT/schemathesis.log")
links=$(sed -n 's/^ *API Links: *//p' "$OUT/schemathesis.log")
echo "== schemathesis: test cases ${cases:-?}; stateful phase: ${scenarios:-?} scenarios, API links ${links:-?}"

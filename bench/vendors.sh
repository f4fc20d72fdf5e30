#!/usr/bin/env bash
# The benchmarks of issue 15 (see bench/README.md), side by side in one run: 1000 Capillary
# customers tagged through PATCH .../labels/{label_id}/customers against 1000 single PATCHes
# (vendor calls and wall time), and reads of 100 cold customers through labels:batchGet against
# 100 single GETs (vendor calls, p50). Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings CUSTOMERS=1000 READ_RUNS=20 SINGLES_CONCURRENCY=16 GATEWAY_PORT=18095 ADMIN_PORT=18096
KEY=bench-key

build label-gateway label-bench
synthetic_vendor

# The cache on, as in production: the catalog is read once and kept, reads of the same
# customer are hits. Every customer read or written here is read or written once.
{
    # shellcheck disable=SC2153 # ADMIN_PORT is a setting of its own, above
    server_table "$ADMIN_PORT"
    printf '[cache]\nttl_seconds = 3600\nmax_entries = 200000\n\n'
    capillary_tenant bench "$vendor_url" "[\"$KEY\"]"
} >"$work/gateway.toml"
gateway=http://127.0.0.1:$GATEWAY_PORT
start_gateway gateway "$GATEWAY_PORT" "$work/gateway.toml"
auth="Authorization: Bearer $KEY"

# Vendor calls the gateway made, by operation, from its own counter: on the admin listener, or
# on the public one where the gateway serves no admin listener yet.
metrics_at=http://127.0.0.1:$ADMIN_PORT
curl -sf -o /dev/null "$metrics_at/metrics" || metrics_at=$gateway
calls() { # [operation]
    metric_sum label_gateway_vendor_calls_total "${1:+operation=\"$1\"}" "$metrics_at"
}
# Creates a label no synthetic customer has; prints its id.
new_label() { # name
    curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" \
        "$gateway/v1/tenants/bench/labels" | sed 's/.*"label":{"id":"\([^"]*\)".*/\1/'
}
many() { "$BIN/many" --gateway "$gateway" --tenant bench --key "$KEY" "$@"; }
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

route_label=$(new_label "Bench route")
new_label "Bench singles" >/dev/null
new_label "Bench singles c16" >/dev/null
curl -sf -o /dev/null -H "$auth" "$gateway/v1/tenants/bench/labels"   # the catalog, kept
load_before=$(loadavg)

# --- 1000 customers tagged ------------------------------------------------------------------
before=$(calls)
route_ms=$(many --first 10000001 --count "$CUSTOMERS" route --label-id "$route_label" | value wall_ms)
route_calls=$(( $(calls) - before ))
before=$(calls)
singles_ms=$(many --first 20000001 --count "$CUSTOMERS" singles --name "Bench singles" | value wall_ms)
singles_calls=$(( $(calls) - before ))
before=$(calls)
singles16_ms=$(many --first 30000001 --count "$CUSTOMERS" singles --name "Bench singles c16" \
    --concurrency "$SINGLES_CONCURRENCY" | value wall_ms)
singles16_calls=$(( $(calls) - before ))
# A cold catalog costs the route one read more: counted apart, once.
before=$(calls catalog)
curl -sf -o /dev/null -H "$auth" -H 'Cache-Control: no-cache' "$gateway/v1/tenants/bench/labels"
catalog_calls=$(( $(calls catalog) - before ))

# --- 100 cold customers read ----------------------------------------------------------------
before=$(calls)
batch=$(many --first 40000001 --count 100 batch-reads --runs "$READ_RUNS")
batch_calls=$(( $(calls) - before ))
before=$(calls)
single=$(many --first 50000001 --count 100 single-reads --runs "$READ_RUNS" --concurrency "$SINGLES_CONCURRENCY")
single_calls=$(( $(calls) - before ))
load_after=$(loadavg)

per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
cat <<MD
## Many customers at once (issue 15): $(date -u '+%Y-%m-%d %H:%M UTC')

- machine: $(machine);
  client (\`bench/src/bin/many.rs\`), gateway and the Capillary simulator (synthetic customers)
  are three processes on these same CPUs; release build, \`RUST_LOG=warn\`, cache on
- command: \`CUSTOMERS=$CUSTOMERS READ_RUNS=$READ_RUNS SINGLES_CONCURRENCY=$SINGLES_CONCURRENCY bench/vendors.sh\`;
  load average before: $load_before, after: $load_after
- vendor calls: the gateway's \`label_gateway_vendor_calls_total\` before and after each part;
  every customer is one the run has not touched before, every label one no customer had

### $CUSTOMERS Capillary customers tagged with one label

| how | requests to the gateway | vendor calls | wall time |
| --- | ---: | ---: | ---: |
| \`PATCH .../labels/{label_id}/customers\`, all ids in one body | 1 | **$route_calls** | $route_ms ms |
| \`PATCH .../customers/{id}/labels\`, one at a time | $CUSTOMERS | $singles_calls | $singles_ms ms |
| \`PATCH .../customers/{id}/labels\`, $SINGLES_CONCURRENCY at a time | $CUSTOMERS | $singles16_calls | $singles16_ms ms |

The route's calls are Capillary's \`POST /v2/labels/assignments\`, 100 customers each (target
≤ 10); with the catalog not yet kept, resolving the label adds $catalog_calls. A single PATCH is
a fresh read of the customer and one \`changeLabels\` (the catalog is kept).

### 100 cold customers read, $READ_RUNS runs

| how | vendor calls per run | p50 | p90 | max |
| --- | ---: | ---: | ---: | ---: |
| \`POST .../customers/labels:batchGet\` | $(per "$batch_calls" "$READ_RUNS") | $(echo "$batch" | value p50_ms) ms | $(echo "$batch" | value p90_ms) ms | $(echo "$batch" | value max_ms) ms |
| 100 \`GET .../customers/{id}/labels\`, $SINGLES_CONCURRENCY at a time | $(per "$single_calls" "$READ_RUNS") | $(echo "$single" | value p50_ms) ms | $(echo "$single" | value p90_ms) ms | $(echo "$single" | value max_ms) ms |

batchGet reads Capillary's \`GET /v2/labels/assignments\`, 10 customers a call, the calls of
one request at most half the tenant's \`max_in_flight\` (64) at once.
MD

#!/usr/bin/env bash
# Resident memory per cached customer (issue 4, issue 8 item 5): for each size in SIZES, a fresh
# gateway on the synthetic Capillary vendor is filled with that many distinct customers of
# five labels, each one vendor call and one new cache entry. Prints a Markdown section.
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

settings SIZES="10000 100000 1000000" WARM=1000 GATEWAY_PORT=18082
KEY=bench-key

build label-gateway label-bench

per_customer() { echo $(( ($2 - $1) * 1024 / $3 )); } # from_kib to_kib customers -> bytes

synthetic_vendor

gateway=http://127.0.0.1:$GATEWAY_PORT
# bench.toml's tenant, with room for the largest size: nothing is evicted while filling.
largest=$(tr ' ' '\n' <<<"$SIZES" | sort -n | tail -n1)
# ... and with room in bytes: [cache] max_bytes (256 MiB by default) would evict first.
sed -e "s/^max_entries = .*/max_entries = $((largest * 2))/" \
    -e "s/^\[cache\]$/[cache]\nmax_bytes = $((largest * 4096))/" bench/bench.toml >"$work/gateway.toml"

rows=""
for size in $SIZES; do
    BENCH_VENDOR_URL=$vendor_url start_gateway "gateway$size" "$GATEWAY_PORT" "$work/gateway.toml"
    gateway_pid=$started
    # The nearly empty process: warmed by the same load as the fill (WARM customers read 32 at
    # a time), so that its connections, buffers and pools, which do not grow with the number
    # of customers, are in the baseline.
    "$BIN/fill" --gateway "$gateway" --tenant bench --key "$KEY" --first 1 --count "$WARM" >&2
    empty=$(kib "$gateway_pid" VmRSS)
    "$BIN/fill" --gateway "$gateway" --tenant bench --key "$KEY" --count "$size" >&2
    full=$(kib "$gateway_pid" VmRSS)
    peak=$(kib "$gateway_pid" VmHWM)
    entries=$(curl -sf "$admin/metrics" | awk '$1 == "label_gateway_cache_entries" { print $2 }')
    rows+="| $size | $entries | $empty | $full | $peak | $(per_customer "$empty" "$full" "$size") | $(per_customer "$empty" "$peak" "$size") |"$'\n'
    stop "$gateway_pid"
done

cat <<EOF
## Memory per cached customer, $(date -u +%Y-%m-%d)

- machine: $(machine)
- command: \`SIZES="$SIZES" WARM=$WARM bench/memory.sh\`
- each size in a fresh gateway: \`VmRSS\` after \`fill\` has read $WARM customers (the nearly
  empty process, warmed by the same load: 32 requests at a time), then after it has read that
  many more distinct customers (five labels each, every one a vendor call and a new entry);
  \`VmHWM\` is the peak

| customers | cache entries | empty KiB | filled KiB | peak KiB | bytes/customer (filled) | bytes/customer (peak) |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$rows
Target: ≤ 1024 bytes per customer above the nearly empty process, at the peak too.
EOF

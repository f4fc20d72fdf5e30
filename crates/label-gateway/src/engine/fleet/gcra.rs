//! What the fleet's GCRA scripts (the vendor budget, the per-client rate leases) start with.

/// A GCRA script's first lines, as a literal for `concat!`: `now` by Redis's clock in µs (one
/// clock for the whole fleet), `interval` the µs between cells (`ARGV[1]`), and `tat` the
/// key's theoretical arrival time, never before now.
macro_rules! gcra_prologue {
    () => {
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
"
    };
}

pub(crate) use gcra_prologue;

//! The Redis scripts of the shared job store: each checks the lease (or the state) and writes
//! in one step, so that a replica that lost a job never writes into it.

/// KEYS: meta, results, failed, lease. ARGV: owner, chunk, records, succeeded, failed,
/// vendor calls, labels, eta, then the failed places.
pub const COMMIT: &str = r"
if redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'next_chunk')) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HINCRBY', KEYS[1], 'succeeded', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'failed', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'done', tonumber(ARGV[4]) + tonumber(ARGV[5]))
redis.call('HINCRBY', KEYS[1], 'vendor_calls', ARGV[6])
redis.call('HSET', KEYS[1], 'next_chunk', tonumber(ARGV[2]) + 1, 'labels', ARGV[7], 'eta', ARGV[8])
for i = 9, #ARGV do redis.call('ZADD', KEYS[3], ARGV[i], ARGV[i]) end
return 1
";

/// KEYS: meta, lease, customers, results, failed, active. ARGV: owner, state, problem,
/// finished_at, member of active, retention ms.
pub const FINISH: &str = r"
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'problem', ARGV[3], 'finished_at', ARGV[4], 'eta', '')
redis.call('SREM', KEYS[6], ARGV[5])
for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
redis.call('DEL', KEYS[2])
return 1
";

/// KEYS: meta, lease. ARGV: owner, started_at.
pub const START: &str = r"
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'running', 'started_at', ARGV[2])
end
return 1
";

/// KEYS: lease. ARGV: owner, ttl ms. Takes a free lease or renews one's own.
pub const LEASE_SCRIPT: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
";

/// KEYS: meta. Marks an unfinished job for cancelling.
pub const CANCEL: &str = r"
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 0 end
if state == 'queued' or state == 'running' then redis.call('HSET', KEYS[1], 'cancel', '1') end
return 1
";

/// KEYS: meta, the tenant's list, active. ARGV: `tenant/`, most active, id, member of active,
/// then the meta's fields and values. Makes the job only while the tenant has fewer than the
/// most active jobs, fleet-wide: two replicas cannot both take the last place.
pub const CREATE: &str = r"
local prefix, active = ARGV[1], 0
for _, member in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if string.sub(member, 1, #prefix) == prefix then active = active + 1 end
end
if active >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], 0, ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
";

-- Redlock, one instance: takes the coordinator lock on ONE of the independent lock Redis
-- instances (`--lock-redis`), if it is free, expired, or already this node's. The caller
-- counts the instances that said yes and leads only with a majority (src/store/redlock.ts).
-- The epoch is not known yet (it comes from INCR on the data Redis once a majority agreed),
-- so it is left '0' (pending) until lock-renew writes it. The expiry is kept twice: in
-- the hash, against the caller's `now` (as every script here, so fake clocks work), and
-- as a Redis PEXPIRE, so a lock whose holder vanished frees itself on real time too.
-- @keys 1
-- KEYS[1]  P:leader-lock  hash: node, epoch ('0' while pending), expiresAt
-- ARGV[1]  node id   ARGV[2] now   ARGV[3] expiresAt   ARGV[4] ttl ms (for PEXPIRE)
-- Answer: 1 when this node now holds the lock here, 0 while another node's lasts.
local held = redis.call('HMGET', KEYS[1], 'node', 'expiresAt')
local holder, until_at = held[1] or '', tonumber(held[2] or '0')
if holder ~= '' and holder ~= ARGV[1] and until_at > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'epoch', '0', 'expiresAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1

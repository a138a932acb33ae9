-- Redlock, one instance: extends this node's lock on ONE lock instance and records its
-- epoch (the first renewal after an acquire turns the pending '0' into the real epoch).
-- An expired lock is not revived: acquiring again is the way back.
-- @keys 1
-- KEYS[1]  P:leader-lock  hash: node, epoch, expiresAt
-- ARGV[1]  node id   ARGV[2] epoch   ARGV[3] now   ARGV[4] new expiresAt   ARGV[5] ttl ms
-- Answer: 1 when extended, 0 when this node's lock (of this epoch) is not here any more.
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'expiresAt')
if held[1] ~= ARGV[1] or (held[2] ~= ARGV[2] and held[2] ~= '0') then return 0 end
if tonumber(held[3] or '0') <= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'expiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1

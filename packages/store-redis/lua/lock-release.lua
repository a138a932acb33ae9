-- Redlock, one instance: deletes this node's lock on ONE lock instance (of this epoch, or
-- still pending), so that another coordinator can take it at once.
-- @keys 1
-- KEYS[1]  P:leader-lock  hash: node, epoch, expiresAt
-- ARGV[1]  node id   ARGV[2] epoch
-- Answer: 1 when deleted, 0 when the lock here is not this node's.
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch')
if held[1] ~= ARGV[1] or (held[2] ~= ARGV[2] and held[2] ~= '0') then return 0 end
redis.call('DEL', KEYS[1])
return 1

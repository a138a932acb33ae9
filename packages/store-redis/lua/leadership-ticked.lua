-- Notes when the leader last finished a tick, so that every node's /v1/cluster and
-- /readyz can say how long ago the leader worked. Fenced like every leader write.
-- @keys 1
-- KEYS[1]  P:leader  hash: node, epoch, expiresAt, tickedAt
-- ARGV[1]  node id   ARGV[2] epoch   ARGV[3] now
-- Answer: 1 when noted, 0 when the fence no longer names the leader.
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'tickedAt', ARGV[3])
return 1

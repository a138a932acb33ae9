-- Takes the coordinator lease if it is free or expired (with a new epoch), or renews it
-- for the node that holds it (same epoch). The expiry lives in the hash, not in a Redis
-- TTL: a leader whose lease ran out may still write until another node takes over, so
-- the key must outlive its expiry (see src/store/fence.ts).
-- @keys 1
-- KEYS[1]  P:leader  hash: node ('' once released), epoch (only grows), expiresAt,
--                     tickedAt (the term's last tick; cleared by a new epoch)
-- ARGV[1]  node id   ARGV[2] now   ARGV[3] expiresAt (now + ttl, computed by the caller)
-- Answer: { node, epoch, expiresAt }, or {} while another node's lease lasts.
local node, now, expires = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'expiresAt')
local holder, epoch, until_at = held[1] or '', held[2] or '0', tonumber(held[3] or '0')
if holder ~= '' and until_at > now then
  if holder ~= node then return {} end
  redis.call('HSET', KEYS[1], 'expiresAt', expires)
  return { node, epoch, expires }
end
epoch = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
redis.call('HSET', KEYS[1], 'node', node, 'expiresAt', expires)
redis.call('HDEL', KEYS[1], 'tickedAt')
return { node, tostring(epoch), expires }

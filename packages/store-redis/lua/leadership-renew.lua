-- Extends the coordinator lease, only for the holder's exact fence and only before its
-- expiry: an expired lease is not revived (its holder may have stepped down on its own
-- deadline); a fresh acquire, with a new epoch, is the way back.
-- @keys 1
-- KEYS[1]  P:leader  hash: node, epoch, expiresAt
-- ARGV[1]  node id   ARGV[2] epoch   ARGV[3] now   ARGV[4] new expiresAt
-- Answer: { node, epoch, expiresAt }, or {} when the fence no longer holds the lease.
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch', 'expiresAt')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] or tonumber(held[3] or '0') <= tonumber(ARGV[3]) then
  return {}
end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[4])
return { ARGV[1], ARGV[2], ARGV[4] }

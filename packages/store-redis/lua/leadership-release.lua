-- Gives the coordinator lease up at once, if this fence holds it. The epoch stays, so
-- the next leader's is higher and this fence is refused from now on.
-- @keys 1
-- KEYS[1]  P:leader  hash: node, epoch, expiresAt
-- ARGV[1]  node id   ARGV[2] epoch
-- Answer: 1 when released, 0 when the fence did not hold the lease.
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch')
if held[1] ~= ARGV[1] or held[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'node', '', 'expiresAt', '0')
return 1

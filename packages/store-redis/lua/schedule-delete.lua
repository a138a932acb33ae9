-- Deletes ONE schedule of ONE tenant with its due entry.
-- @keys 1
-- ARGV[1] schedule id
-- Answer: { 1 } deleted, { 0 } there was none.
-- @include keys
local ctx = new_ctx(KEYS)
local K = ctx.K
local id = ARGV[1]
redis.call('ZREM', K.hz, id)
return reply(ctx, { redis.call('HDEL', K.h, id) })

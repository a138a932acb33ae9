-- When ONE tenant next needs the coordinator: its earliest delayed runAt, lease expiry
-- and schedule fire, and the finishedAt of the first parent whose children await
-- release (the memory store counts a pending parent as due from the time it ended).
-- @keys 1
-- @no-writes
-- (no ARGV)
-- Answer: { earliest runAt, earliest lease expiry, earliest fire, pending parent's end }
--         as strings, '' for none; the last is '0' when a parent is pending but no
--         longer finished (retried or deleted): due at once, releaseDependents drops it.
-- @include keys
local ctx = new_ctx(KEYS)
local K = ctx.K
local function first_score(key)
  local got = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return got[2] or ''
end
local pending = ''
local parent = redis.call('LINDEX', K.x, 0)
if parent then pending = redis.call('ZSCORE', K.f, parent) or '0' end
return reply(ctx, { first_score(K.d), first_score(K.l), first_score(K.hz), pending })

-- Shared: the fence of a leader's write, checked inside the tenant's own slot. The
-- caller has checked the leader key just before (src/store/fence.ts); here the tenant
-- remembers the highest epoch that wrote to it and refuses any lower one, so that a
-- deposed leader whose check raced a takeover cannot write after its successor did.
-- Scripts call it first and return redis.error_reply('stale_epoch') when it fails.
local function fence_ok(ctx, epoch)
  epoch = tonumber(epoch)
  local seen = tonumber(redis.call('HGET', ctx.K.n, 'epoch') or '0')
  if epoch < seen then return false end
  if epoch > seen then redis.call('HSET', ctx.K.n, 'epoch', epoch) end
  return true
end

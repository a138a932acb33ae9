-- Cancels a job of ONE tenant that is not final (core's cancel). An active job keeps its
-- lease, so that its worker's next heartbeat or settlement (same token) answers
-- 'canceled'; it leaves the lease index, so it is never taken back.
-- @keys 1
-- ARGV[1] now
-- ARGV[2] local id
-- Answer: 'ok' and the canceled job's record; 'final' and its record when it had ended
-- already (the caller refuses with core's checkCancelable); 'none' when unknown.
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, id = ARGV[1], ARGV[2]
local r, old = load_job(ctx, id)
if not r then return reply(ctx, { 'none' }) end
if FINAL[old] then return reply(ctx, { 'final', rec_encode(r) }) end
if old == 'waiting' then take_from_stream(ctx, id) end
finish(ctx, id, r, old, 'canceled', now, nil, true)
return reply(ctx, { 'ok', rec_encode(r) })

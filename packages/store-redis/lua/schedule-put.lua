-- Writes ONE schedule of ONE tenant if its row is still what the caller read (upsert,
-- pause, resume compute the new row in TS from the old one: core's rules).
-- @keys 1
-- ARGV[1] schedule id   ARGV[2] the row read ('' when there was none)   ARGV[3] new row
-- ARGV[4] the most schedules the tenant may hold ('' for no limit): a new schedule past it
--         is refused here, in the same script as the write, so two creates cannot both pass
-- Answer: { 1 } written, { 0 } the row changed meanwhile (read again and retry),
--         { 2, count } refused: the tenant holds `count` schedules, the limit or more.
-- @include keys
-- @include record
-- @include jobs
-- @include schedule
local ctx = new_ctx(KEYS)
local K = ctx.K
local id, expected, row, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local current = redis.call('HGET', K.h, id) or ''
if current ~= expected then return reply(ctx, { 0 }) end
if current == '' and max ~= nil and max ~= '' then
  local count = redis.call('HLEN', K.h)
  if count >= tonumber(max) then return reply(ctx, { 2, count }) end
end
mark_live(ctx)
sched_save(ctx, id, sched_decode(row))
return reply(ctx, { 1 })

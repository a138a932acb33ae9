-- Writes ONE schedule of ONE tenant if its row is still what the caller read (upsert,
-- pause, resume compute the new row in TS from the old one: core's rules).
-- @keys 24
-- ARGV[1] schedule id   ARGV[2] the row read ('' when there was none)   ARGV[3] new row
-- Answer: { 1 } written, { 0 } the row changed meanwhile (read again and retry).
-- @include keys
-- @include record
-- @include jobs
-- @include schedule
local id, expected, row = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('HGET', K.h, id) or ''
if current ~= expected then return reply({ 0 }) end
sched_save(id, sched_decode(row))
return reply({ 1 })

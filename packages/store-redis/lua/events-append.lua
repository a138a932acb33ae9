-- Appends one entry of events to the event log, and keeps about the last MAX events: the
-- entry's id is the number of events appended so far (a counter beside the stream), so
-- trimming by MINID counts events, whatever the number of events per entry.
-- @keys 2
-- KEYS[1] the event stream   KEYS[2] its counter (events appended so far)
-- ARGV[1] events in this entry   ARGV[2] the events (a JSON array)   ARGV[3] MAX events to keep
-- Answer: the entry's id
local count = redis.call('INCRBY', KEYS[2], tonumber(ARGV[1]))
local id = count .. '-0'
local oldest = count - tonumber(ARGV[3]) + 1
if oldest > 1 then
  -- '~': whole macro nodes only, so a few more than MAX may stay; cheap.
  redis.call('XADD', KEYS[1], 'MINID', '~', oldest, id, 'e', ARGV[2])
else
  redis.call('XADD', KEYS[1], id, 'e', ARGV[2])
end
return id

-- Gives back the units of holds that ended (jobs that stopped being active, holds granted
-- to jobs that could not be claimed after all, holds whose job is gone). Touches only the
-- gates' slot. A holder not found (released already) is skipped, so releasing twice is
-- harmless.
-- @keys 4
-- KEYS[1] held (and '#gen', counting releases)   KEYS[2] holders   KEYS[3] deadlines   KEYS[4] waiters (see gate-take.lua)
-- ARGV[1..] holders
-- Answer: the waiters ('<priority>/<tenant>' bands with parked jobs) to wake when any
-- units came back, else nothing.
local released = 0
for i = 1, #ARGV do
  local holder = ARGV[i]
  local needs = redis.call('HGET', KEYS[2], holder)
  if needs then
    for gate, units in string.gmatch(needs, '(%S+)=(%d+)') do
      if redis.call('HINCRBY', KEYS[1], gate, -tonumber(units)) <= 0 then redis.call('HDEL', KEYS[1], gate) end
    end
    redis.call('HDEL', KEYS[2], holder)
    redis.call('ZREM', KEYS[3], holder)
    released = released + 1
  end
end
if released == 0 then return {} end
-- Claimers that found no room for a band's parked jobs offer them again once this moves.
redis.call('HINCRBY', KEYS[1], '#gen', 1)
return redis.call('SMEMBERS', KEYS[4])

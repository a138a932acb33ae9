-- Every job of ONE tenant with the given status and name (listJobs reads whole tenants
-- for now; see src/store/list-jobs.ts). A status narrows what is read: waiting jobs are
-- in the band streams only, every other status in K.j only.
-- @keys 24
-- ARGV[1] status ('' for any)
-- ARGV[2] name ('' for any)
-- Answer: two per job: local id, record.
-- @include keys
-- @include record
-- @include jobs
local status, name = ARGV[1], ARGV[2]
local out = {}

if status == '' or status == 'waiting' then
  for p = 0, 9 do
    for _, entry in ipairs(redis.call('XRANGE', stream_of(p), '-', '+')) do
      local r, id = entry_record(entry[2], p)
      -- Only the entry K.w points at is the waiting job: one that claim has read may
      -- still sit in the stream while its job is in K.j.
      if (name == '' or r[R_NAME] == name) and redis.call('HGET', K.w, id) == p .. '/' .. entry[1] then
        out[#out + 1] = id
        out[#out + 1] = rec_encode(r)
      end
    end
  end
end

-- Jobs parked for gates (see jobs.lua) are waiting jobs kept in K.j.
if status ~= 'waiting' or redis.call('ZCARD', K.g) > 0 then
  local rows = redis.call('HGETALL', K.j)
  local head = status .. '\0'
  for i = 1, #rows, 2 do
    local raw = rows[i + 1]
    if status == '' or string.sub(raw, 1, #head) == head then
      if name == '' or rec_decode(raw)[R_NAME] == name then
        out[#out + 1] = rows[i]
        out[#out + 1] = raw
      end
    end
  end
end
return reply(out)

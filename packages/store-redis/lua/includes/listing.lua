-- Shared: what listing reads (list-jobs.lua), kept by every script that creates, moves or
-- deletes a job. Needs the keys include first.
--
-- The creation log, K.a, is a stream with one small entry per job ('i' -> local id),
-- appended when the job is created and deleted with it: listing pages through it newest
-- first with XREVRANGE, so a page reads what it returns rather than the whole tenant. An
-- entry costs ~32 bytes; a sorted set would cost ~130 per job, waiting ones included.
-- Entry ids are '<createdAt ms>-<seq>'; a job created with a clock behind the log's
-- newest entry follows that entry (ids only grow), so the log is in the order jobs
-- reached Redis, which is createdAt order while clients' clocks agree.
--
-- A job's created field (record field 3, entry field 2) keeps its log id: '<ms>-<seq>'
-- when ms is its createdAt, '<createdAt>:<ms>-<seq>' when it is not (a clock behind, or a
-- createdAt with a fraction of a millisecond), so that the job's entry is found again.
--
-- The status index, K.i, is a sorted set (all score 0, ordered by member) of every job
-- that is not waiting: '<status code><ms, 6 bytes><seq, 4 bytes><local id>', so that the
-- members of one status sit together in log order and a status is listed without
-- reading the others. Waiting jobs, the many, are listed from the log.
local LOG_TOP = nil  -- the newest log ms this script wrote or read (entry ids only grow)
ON_NEXT_TENANT[#ON_NEXT_TENANT + 1] = function() LOG_TOP = nil end

-- Appends job `id` to the log; answers its created field.
local function log_new(id, now)
  local ms = math.floor(tonumber(now))
  if LOG_TOP and LOG_TOP > ms then ms = LOG_TOP end
  local entry = redis.pcall('XADD', K.a, ms .. '-*', 'i', id)
  if type(entry) == 'table' and entry.err then
    -- The log's newest entry is ahead of this clock: follow it.
    local info = redis.call('XINFO', 'STREAM', K.a)
    for k = 1, #info, 2 do
      if info[k] == 'last-generated-id' then ms = tonumber(string.match(info[k + 1], '^(%d+)')) end
    end
    entry = redis.call('XADD', K.a, ms .. '-*', 'i', id)
  end
  LOG_TOP = ms
  if ms == tonumber(now) then return entry end
  return now .. ':' .. entry
end

-- The log id in a created field ('' for a job created before the log existed).
local function log_id_of(created)
  return string.match(created, '(%d+%-%d+)$') or ''
end

local STATUS_CODE = { blocked = 'b', delayed = 'd', active = 'a', succeeded = 's', failed = 'f', canceled = 'c' }

-- A log position as the status index orders it: 6 bytes of ms, 4 of seq, big-endian.
local function log_bytes(ms, seq)
  return struct.pack('>I6I4', ms, seq)
end

-- The status index member of a job, or nil (waiting, or no log id).
local function index_member(status, created, id)
  local code = STATUS_CODE[status]
  if not code then return nil end
  local ms, seq = string.match(created, '(%d+)%-(%d+)$')
  if not ms then return nil end
  return code .. log_bytes(tonumber(ms), tonumber(seq)) .. id
end

-- A job moved from status `old` (nil: new) to `new`: its index member follows.
local function index_move(id, created, old, new)
  if old == new then return end
  local gone = old and index_member(old, created, id)
  if gone then redis.call('ZREM', K.i, gone) end
  local member = index_member(new, created, id)
  if member then redis.call('ZADD', K.i, 0, member) end
end

-- A job deleted (retention): out of the index and the log.
local function unlist(id, created, status)
  local member = index_member(status, created, id)
  if member then redis.call('ZREM', K.i, member) end
  local log_id = log_id_of(created)
  if log_id ~= '' then redis.call('XDEL', K.a, log_id) end
end

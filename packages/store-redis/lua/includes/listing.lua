-- Shared: what listing reads (list-jobs.lua), kept by every script that creates, moves or
-- deletes a job. Needs the keys include first.
--
-- The creation log, K.a, is a stream of the tenant's jobs in the order they were created:
-- each entry holds the local ids (space-joined, at most LOG_ENTRY_IDS) of jobs one script
-- created with one `now`, so a batch costs one XADD per hundred jobs and about 20 bytes a
-- job, where a sorted set would cost ~130 a job, waiting jobs included. Listing pages
-- through it newest first with XREVRANGE, so a page reads what it returns rather than the
-- whole tenant. A job's place in the log is '<ms>-<seq>.<k>': entry '<ms>-<seq>', k-th id.
-- Entry ids are given here, never by Redis: ms is the jobs' createdAt, unless the log's
-- newest entry is ahead of it (another client's clock), which the entry then follows (ids
-- only grow). The newest id given is K.n's 'alog'. So the log is in the order jobs reached
-- Redis, which is createdAt order while clients' clocks agree.
--
-- K.al counts, per entry, its jobs still kept: deleting a job (retention) counts it down,
-- and the entry goes with its last job.
--
-- A job's created field (record field 3, entry field 2) keeps its place: '<ms>-<seq>.<k>'
-- when ms is its createdAt, '<createdAt>:<ms>-<seq>.<k>' when it is not (a clock behind, or
-- a createdAt with a fraction of a millisecond).
--
-- The status index, K.i, is a sorted set (all score 0, ordered by member) of every job
-- that is not waiting: '<status code><ms: 6 bytes><seq: 4><k: 1><local id>', so that the
-- members of one status sit together in log order and a status is listed without reading
-- the others. Waiting jobs, the many, are listed from the log.
local LOG_ENTRY_IDS = 100
local LOG = nil       -- the entry this script is filling: { id, now, ids }
local LOG_LAST = nil  -- { ms, seq } of the newest entry id given (K.n 'alog'), once read

-- Writes the entry being filled.
local function log_flush()
  if LOG and #LOG.ids > 0 then
    redis.call('XADD', K.a, LOG.id, 'i', table.concat(LOG.ids, ' '))
    redis.call('HSET', K.al, LOG.id, #LOG.ids)
    redis.call('HSET', K.n, 'alog', LOG.id)
  end
  LOG = nil
end
BEFORE_REPLY[#BEFORE_REPLY + 1] = log_flush
ON_NEXT_TENANT[#ON_NEXT_TENANT + 1] = function() LOG_LAST = nil end

-- The next entry id for jobs created at `ms`: later than every id given before.
local function next_log_id(ms)
  if not LOG_LAST then
    local last = redis.call('HGET', K.n, 'alog') or '0-0'
    local last_ms, last_seq = string.match(last, '^(%d+)%-(%d+)$')
    LOG_LAST = { tonumber(last_ms), tonumber(last_seq) }
  end
  local seq = 0
  if ms <= LOG_LAST[1] then ms, seq = LOG_LAST[1], LOG_LAST[2] + 1 end
  LOG_LAST = { ms, seq }
  return ms, seq
end

-- Adds job `id` to the log; answers its created field.
local function log_new(id, now)
  if not LOG or LOG.now ~= now or #LOG.ids >= LOG_ENTRY_IDS then
    log_flush()
    local ms, seq = next_log_id(math.floor(tonumber(now)))
    LOG = { id = ms .. '-' .. seq, ms = ms, now = now, ids = {} }
  end
  local ids = LOG.ids
  ids[#ids + 1] = id
  local place = LOG.id .. '.' .. #ids
  if LOG.ms == tonumber(now) then return place end
  return now .. ':' .. place
end

-- The log entry id and place within it in a created field (nil for a job created before
-- the log existed).
local function log_place(created)
  local ms, seq, k = string.match(created, '(%d+)%-(%d+)%.(%d+)$')
  if not ms then return nil end
  return tonumber(ms), tonumber(seq), tonumber(k)
end

local STATUS_CODE = { blocked = 'b', delayed = 'd', active = 'a', succeeded = 's', failed = 'f', canceled = 'c' }

-- A log place as the status index orders it: ms, seq and k big-endian, 11 bytes.
local function log_bytes(ms, seq, k)
  return struct.pack('>I6I4I1', ms, seq, k)
end

-- What follows the status code in a job's index member (nil: no place in the log), so
-- that a job changing status builds its members from one parse of its created field.
local function index_suffix(created, id)
  local ms, seq, k = log_place(created)
  if not ms then return nil end
  return log_bytes(ms, seq, k) .. id
end

-- The status index member of a job, or nil (waiting, or no place in the log).
local function index_member(status, created, id)
  local code = STATUS_CODE[status]
  if not code then return nil end
  local suffix = index_suffix(created, id)
  return suffix and code .. suffix
end

-- A job moved from status `old` (nil: new) to `new`: its index member follows.
local function index_move(id, created, old, new)
  if old == new then return end
  local suffix = index_suffix(created, id)
  if not suffix then return end
  if STATUS_CODE[old] then redis.call('ZREM', K.i, STATUS_CODE[old] .. suffix) end
  if STATUS_CODE[new] then redis.call('ZADD', K.i, 0, STATUS_CODE[new] .. suffix) end
end

-- Jobs deleted in this script, counted per log entry (unlist); log_forget writes them.
local UNLISTED = {}

-- A job deleted (retention): out of the index now, out of its log entry's count later.
local function unlist(id, created, status)
  local member = index_member(status, created, id)
  if member then redis.call('ZREM', K.i, member) end
  local ms, seq = log_place(created)
  if ms then
    local entry = ms .. '-' .. seq
    UNLISTED[entry] = (UNLISTED[entry] or 0) + 1
  end
end

-- Counts the entries of deleted jobs down; an entry whose last job went leaves the log.
local function log_forget()
  for entry, gone in pairs(UNLISTED) do
    if redis.call('HINCRBY', K.al, entry, -gone) <= 0 then
      redis.call('XDEL', K.a, entry)
      redis.call('HDEL', K.al, entry)
    end
  end
  UNLISTED = {}
end

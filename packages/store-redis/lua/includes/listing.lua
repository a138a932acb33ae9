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
-- that is neither waiting nor active: '<status code><ms: 6 bytes><seq: 4><k: 1><local id>',
-- so that the members of one status sit together in log order and a status is listed
-- without reading the others. Waiting jobs, the many, are listed from the log. Active jobs,
-- the few (at most what the workers run at once), are listed from the lease index K.l,
-- which holds every one of them: a member for them here would cost every claim and every
-- settlement a sorted-set write (about 2 µs of Redis each) for the sake of listing.
local LOG_ENTRY_IDS = 100
-- ctx.log: the entry this call is filling, { id, ms, now, ids }; ctx.log_last: { ms, seq } of
-- the newest entry id given (K.n 'alog'), once read.

-- Writes the entry being filled.
local function log_flush(ctx)
  if ctx.log and #ctx.log.ids > 0 then
    redis.call('XADD', ctx.K.a, ctx.log.id, 'i', table.concat(ctx.log.ids, ' '))
    redis.call('HSET', ctx.K.al, ctx.log.id, #ctx.log.ids)
    redis.call('HSET', ctx.K.n, 'alog', ctx.log.id)
  end
  ctx.log = nil
end
BEFORE_REPLY[#BEFORE_REPLY + 1] = log_flush
ON_NEXT_TENANT[#ON_NEXT_TENANT + 1] = function(ctx) ctx.log_last = nil end

-- The next entry id for jobs created at `ms`: later than every id given before.
local function next_log_id(ctx, ms)
  if not ctx.log_last then
    local last = redis.call('HGET', ctx.K.n, 'alog') or '0-0'
    local last_ms, last_seq = string.match(last, '^(%d+)%-(%d+)$')
    ctx.log_last = { tonumber(last_ms), tonumber(last_seq) }
  end
  local seq = 0
  if ms <= ctx.log_last[1] then ms, seq = ctx.log_last[1], ctx.log_last[2] + 1 end
  ctx.log_last = { ms, seq }
  return ms, seq
end

-- Adds job `id` to the log; answers its created field.
local function log_new(ctx, id, now)
  if not ctx.log or ctx.log.now ~= now or #ctx.log.ids >= LOG_ENTRY_IDS then
    log_flush(ctx)
    local ms, seq = next_log_id(ctx, math.floor(tonumber(now)))
    ctx.log = { id = ms .. '-' .. seq, ms = ms, now = now, ids = {} }
  end
  local ids = ctx.log.ids
  ids[#ids + 1] = id
  local place = ctx.log.id .. '.' .. #ids
  if ctx.log.ms == tonumber(now) then return place end
  return now .. ':' .. place
end

-- The log entry id and place within it in a created field (nil for a job created before
-- the log existed).
local function log_place(created)
  local ms, seq, k = string.match(created, '(%d+)%-(%d+)%.(%d+)$')
  if not ms then return nil end
  return tonumber(ms), tonumber(seq), tonumber(k)
end

local STATUS_CODE = { blocked = 'b', delayed = 'd', succeeded = 's', failed = 'f', canceled = 'c' }

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
local function index_move(ctx, id, created, old, new)
  if old == new then return end
  local suffix = index_suffix(created, id)
  if not suffix then return end
  if STATUS_CODE[old] then redis.call('ZREM', ctx.K.i, STATUS_CODE[old] .. suffix) end
  if STATUS_CODE[new] then redis.call('ZADD', ctx.K.i, 0, STATUS_CODE[new] .. suffix) end
end

-- Jobs deleted in this script, counted per log entry (unlist); log_forget writes them.

-- A job deleted (retention): out of the index now, out of its log entry's count later.
local function unlist(ctx, id, created, status)
  local member = index_member(status, created, id)
  if member then redis.call('ZREM', ctx.K.i, member) end
  local ms, seq = log_place(created)
  if ms then
    local entry = ms .. '-' .. seq
    local unlisted = ctx_table(ctx, 'unlisted')
    unlisted[entry] = (unlisted[entry] or 0) + 1
  end
end

-- Counts the entries of deleted jobs down; an entry whose last job went leaves the log.
local function log_forget(ctx)
  if not ctx.unlisted then return end
  for entry, gone in pairs(ctx.unlisted) do
    if redis.call('HINCRBY', ctx.K.al, entry, -gone) <= 0 then
      redis.call('XDEL', ctx.K.a, entry)
      redis.call('HDEL', ctx.K.al, entry)
    end
  end
  ctx.unlisted = nil
end

-- Shared: moving a job between states, keeping every index and count in step. Needs the
-- keys and record includes first. A waiting job lives in its band's stream (the entry
-- holds the whole job) and in K.w; every other job is a record in K.j. Counts in K.n
-- ("<status>/<priority>") follow every move, so depths() never scans.
-- @include listing

-- A stream entry has one field, 'j': twelve fields joined by NUL, in the order of
-- ENTRY_FIELDS in src/value-layouts.ts. The last seven are, in that order, fields 6..12 of a
-- record: claim copies them across as one substring from E_TAIL (claim.lua), which is why
-- progress (reset by a claim) sits before them. One field rather than one per value: fewer
-- strings for Lua to build on every read.
local E_ID, E_CREATED, E_ATTEMPT, E_STARTED, E_PROGRESS = 1, 2, 3, 4, 5
local E_FINISHED, E_RUNAT, E_NAME, E_PAYLOAD, E_OPTIONS = 6, 7, 8, 9, 10
local E_RESULT, E_ERROR = 11, 12
local ENTRY_FIELDS = 12
local E_TAIL = E_FINISHED

-- The positions of `count` NUL-separated fields of `raw`: starts[i] is where field i begins
-- (starts[count + 1] is one past the end + 1), without copying any field.
local function field_starts(raw, count)
  local starts, pos = { 1 }, 1
  for i = 2, count do
    pos = string.find(raw, '\0', pos, true) + 1
    starts[i] = pos
  end
  starts[count + 1] = #raw + 2
  return starts
end

-- Field i of an entry `value` whose field starts are `at` (field_starts, found up to i at least).
local function entry_field(value, at, i)
  return string.sub(value, at[i], at[i + 1] - 2)
end

-- The record (record.lua's layout) of the job in a stream entry (`fields`, as XRANGE or
-- XREADGROUP gives them) of band `priority`, and its local id.
local function entry_record(fields, priority)
  local value = fields[2]
  local at = field_starts(value, ENTRY_FIELDS)
  local function f(i) return entry_field(value, at, i) end
  local r = { 'waiting', tostring(priority), f(E_CREATED), f(E_ATTEMPT), f(E_STARTED), f(E_FINISHED), f(E_RUNAT),
    f(E_NAME), f(E_PAYLOAD), f(E_OPTIONS), f(E_RESULT), f(E_ERROR), f(E_PROGRESS), '', '', '' }
  return r, f(E_ID)
end

-- Count changes, finished-index additions and lease-index removals are held back and
-- sent once per script (flush_writes, run by reply()): a batch of 100 settlements then
-- costs one ZADD, one ZREM and a few HINCRBYs instead of 400 commands. Nothing reads
-- these back within a script, except claim's count, which flushes first.

local function bump(ctx, status, priority, delta)
  local field = status .. '/' .. priority
  local counts = ctx_table(ctx, 'pending_counts')
  counts[field] = (counts[field] or 0) + delta
end

-- Blocked children registered in this script, as ZADD arguments for K.c (see children below).

-- Activity (Store.activity): jobs that ended and attempts retried, per tenant and minute,
-- in a ring of 60 slots in one hash (K.m): slot (minute % 60) holds
-- '<minute> <succeeded> <failed> <retried>', minute counted from the epoch. A count for a
-- minute whose slot holds an older minute starts the slot afresh; one for a minute older
-- than the slot's (a caller with a clock behind) is dropped, as that minute left the ring.
-- So the hash never holds more than 60 fields, with no expiry or sweep. Ended jobs are the
-- positive deltas of 'succeeded/*' and 'failed/*' counts (flush_writes): whatever path
-- ended them, counted once per call, never per job; scripts that lower counts (retention,
-- retry) subtract nothing. `retried` is noted where an attempt fails and another follows.
-- The minute is the `now` of the call (ctx.now, set by the scripts that end jobs).
local ACTIVITY_SLOTS = 60

local function note_activity(ctx, succeeded, failed, retried)
  local a = ctx.pending_activity
  if not a then
    a = { 0, 0, 0 }
    ctx.pending_activity = a
  end
  a[1], a[2], a[3] = a[1] + succeeded, a[2] + failed, a[3] + retried
end

local function flush_activity(ctx)
  local a = ctx.pending_activity
  if not a then return end
  ctx.pending_activity = nil
  if not ctx.now then return end
  local minute = math.floor(tonumber(ctx.now) / 60000)
  local slot = minute % ACTIVITY_SLOTS
  local held = redis.call('HGET', ctx.K.m, slot)
  if held then
    local m, s, f, r = string.match(held, '^(%d+) (%d+) (%d+) (%d+)$')
    m = tonumber(m)
    if m == minute then
      a[1], a[2], a[3] = a[1] + tonumber(s), a[2] + tonumber(f), a[3] + tonumber(r)
    elseif m and m > minute then
      return
    end
  end
  redis.call('HSET', ctx.K.m, slot, string.format('%d %d %d %d', minute, a[1], a[2], a[3]))
end

local function flush_writes(ctx)
  local counts = ctx.pending_counts
  if counts then
    local succeeded, failed = 0, 0
    for field, delta in pairs(counts) do
      if delta ~= 0 then
        redis.call('HINCRBY', ctx.K.n, field, delta)
        if delta > 0 then
          local status = string.sub(field, 1, 2)
          if status == 'su' then
            succeeded = succeeded + delta
          elseif status == 'fa' then
            failed = failed + delta
          end
        end
      end
    end
    ctx.pending_counts = nil
    if succeeded > 0 or failed > 0 then note_activity(ctx, succeeded, failed, 0) end
  end
  if ctx.pending_finished then
    call_chunked('ZADD', ctx.K.f, ctx.pending_finished)
    ctx.pending_finished = nil
  end
  if ctx.pending_unleased then
    call_chunked('ZREM', ctx.K.l, ctx.pending_unleased)
    ctx.pending_unleased = nil
  end
  if ctx.pending_children then
    call_chunked('ZADD', ctx.K.c, ctx.pending_children)
    ctx.pending_children = nil
  end
end
BEFORE_REPLY[#BEFORE_REPLY + 1] = flush_writes
BEFORE_REPLY[#BEFORE_REPLY + 1] = flush_activity

-- Past attempts (Store.pastAttempts): K.pa maps a job's local id to a JSON array of the
-- attempts that ended before its latest began, oldest first, each
-- [attempt, startedAt, endedAt, worker, error JSON], all strings ('' for unknown), at most
-- PAST_ATTEMPTS_KEPT (the newest). Written only where an attempt fails and the job goes on,
-- and where a failed job is retried by hand; deleted with the job (retention.lua).
local PAST_ATTEMPTS_KEPT = 25

local function keep_past_attempt(ctx, id, attempt, started, ended, worker, err)
  local raw = redis.call('HGET', ctx.K.pa, id)
  local list = raw and cjson.decode(raw) or {}
  list[#list + 1] = { attempt, started, ended, worker, err }
  local from = math.max(1, #list - PAST_ATTEMPTS_KEPT + 1)
  local kept = {}
  for i = from, #list do kept[#kept + 1] = list[i] end
  redis.call('HSET', ctx.K.pa, id, cjson.encode(kept))
end

-- An active job's attempt (record `r`, lease not yet cleared) failed with `err` and
-- another follows: kept as a past attempt, counted as retried.
local function attempt_retried(ctx, id, r, now, err)
  keep_past_attempt(ctx, id, r[R_ATTEMPT], r[R_STARTED], now, r[R_WORKER], err)
  ctx.now = now
  note_activity(ctx, 0, 0, 1)
end

-- Children (dependsOn): K.c holds '<parent>\0<child>' for every child blocked on a parent
-- that release-dependents.lua has not looked at yet, all with score 0, so that the members
-- of one parent sit together in lex order: adding one is O(log n) whatever the family's
-- size, and a parent's children are read and released in bounded slices. A child looked at
-- that still waits on another parent moves to '<parent>\1<child>': retention keeps the
-- parent while such a child has not ended (as the memory store does). Ids never hold
-- the bytes 0 to 2.
local function child_member(parent, child)
  return parent .. '\0' .. child
end

local function children_range(parent)
  return '[' .. parent .. '\0', '(' .. parent .. '\1'
end

-- The children of `parent` that were looked at and waited on another parent then.
local function waited_range(parent)
  return '[' .. parent .. '\1', '(' .. parent .. '\2'
end

local function add_child(ctx, parent, child)
  local children = ctx_table(ctx, 'pending_children')
  children[#children + 1] = 0
  children[#children + 1] = child_member(parent, child)
end

-- Up to `count` children still blocked on `parent`, as K.c members (child = member after
-- the parent's id and the NUL).
local function child_members(ctx, parent, count)
  if ctx.pending_children then flush_writes(ctx) end
  local from, to = children_range(parent)
  return redis.call('ZRANGEBYLEX', ctx.K.c, from, to, 'LIMIT', 0, count)
end

local function has_children(ctx, parent)
  return #child_members(ctx, parent, 1) > 0
end

-- Band streams get their consumer group on first use; remembered for this script run.
local function ensure_group(ctx, stream)
  local groups = ctx_table(ctx, 'groups')
  if groups[stream] then return end
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM')
  end
  groups[stream] = true
end

-- Appends a waiting job at the back of its tenant's band (FIFO: a job that waits again
-- goes to the back, as docs/jobs.md says for released, retried, promoted and recovered jobs).
-- Appends an entry (its twelve fields in the entry layout above) to band p's stream and
-- notes the band as ready; answers the K.w value for the job ("<p>/<entry id>"), which the
-- caller writes (one job at a time, or a whole batch in one HSET).
local function append_entry(ctx, p, fields)
  local stream = stream_of(ctx, p)
  ensure_group(ctx, stream)
  note_ready(ctx, p)
  return p .. '/' .. redis.call('XADD', stream, '*', 'j', table.concat(fields, '\0'))
end

-- The twelve fields of the stream entry of job `id`, whose record is `r`.
local function entry_fields(id, r)
  return { id, r[R_CREATED], r[R_ATTEMPT], r[R_STARTED], r[R_PROGRESS], r[R_FINISHED], r[R_RUNAT], r[R_NAME],
    r[R_PAYLOAD], r[R_OPTIONS], r[R_RESULT], r[R_ERROR] }
end

local function to_stream(ctx, id, r)
  redis.call('HSET', ctx.K.w, id, append_entry(ctx, r[R_PRIORITY], entry_fields(id, r)))
end

-- The job `id` wherever it is: its record and its previous status; nil when unknown.
-- A waiting job's record is built from its stream entry (which stays where it is).
local function load_job(ctx, id)
  local raw = redis.call('HGET', ctx.K.j, id)
  if raw then
    local r = rec_decode(raw)
    return r, r[R_STATUS]
  end
  local where = redis.call('HGET', ctx.K.w, id)
  if not where then return nil end
  local p, entry_id = string.match(where, '^(%d)/(.+)$')
  local found = redis.call('XRANGE', stream_of(ctx, p), entry_id, entry_id)[1]
  if not found then return nil end
  local r = entry_record(found[2], p)
  return r, 'waiting'
end

-- Only the status of `id` (nil when unknown), without decoding the whole record.
local function status_of(ctx, id)
  local raw = redis.call('HGET', ctx.K.j, id)
  if raw then return string.sub(raw, 1, string.find(raw, '\0', 1, true) - 1) end
  if redis.call('HEXISTS', ctx.K.w, id) == 1 then return 'waiting' end
  return nil
end

-- Takes a waiting job's entry out of its stream (cancel, and moves other than claim).
local function take_from_stream(ctx, id)
  local where = redis.call('HGET', ctx.K.w, id)
  if not where then return end
  local p, entry_id = string.match(where, '^(%d)/(.+)$')
  redis.call('XDEL', stream_of(ctx, p), entry_id)
  redis.call('HDEL', ctx.K.w, id)
end

-- Gates (cluster-wide resources and per-name concurrency; src/store/gates/): a gated job
-- that waits is "parked" — a record in K.j with status 'waiting', a member of K.g, and
-- its needs in K.gn — rather than an entry of its band stream; while active it holds
-- units under a holder name kept in K.gn as '@<holder>'. The holdings themselves live in
-- the gates' slot, which no tenant script may touch: a job that stops being active adds
-- its holder to FREED, and the caller releases it there. Most tenants never gate a job,
-- so K.gn's existence is asked once per script and nothing more is done without it.
ON_NEXT_TENANT[#ON_NEXT_TENANT + 1] = function(ctx) ctx.gated = nil end
local function any_gated(ctx)
  if ctx.gated == nil then ctx.gated = redis.call('EXISTS', ctx.K.gn) == 1 end
  return ctx.gated
end

-- A job leaves 'waiting': out of the parked set if it was parked there.
local function unpark(ctx, id, p)
  if not any_gated(ctx) then return end
  if redis.call('ZREM', ctx.K.g, id) == 1 then
    redis.call('HDEL', ctx.K.gn, id)
    bump(ctx, 'parked', p, -1)
  end
end

-- A job stops being active: the units it held go back (by the caller, see FREED).
local function let_go(ctx, id)
  if not any_gated(ctx) then return end
  local held = redis.call('HGET', ctx.K.gn, id)
  if held and string.sub(held, 1, 1) == '@' then
    redis.call('HDEL', ctx.K.gn, id)
    local freed = ctx_table(ctx, 'freed')
    freed[#freed + 1] = string.sub(held, 2)
  end
end

-- Writes job `id` in its new state `r` (r[R_STATUS] set by the caller), coming from
-- status `old` (nil for a new job). A job leaving 'waiting' must have been taken out of
-- its stream by the caller (take_from_stream, or claim's own read). Final jobs enter the
-- retention index, and a parent with blocked children is queued for their release.
local function save(ctx, id, r, old)
  local new, p = r[R_STATUS], r[R_PRIORITY]
  if old == 'delayed' then
    redis.call('ZREM', ctx.K.d, id)
  elseif old == 'active' and new ~= 'active' then
    local unleased = ctx_table(ctx, 'pending_unleased')
    unleased[#unleased + 1] = id
    let_go(ctx, id)
  elseif old == 'waiting' and new ~= 'waiting' then
    unpark(ctx, id, p)
  end
  if old ~= new then
    if old then bump(ctx, old, p, -1) end
    bump(ctx, new, p, 1)
    index_move(ctx, id, r[R_CREATED], old, new)
  end
  if new == 'waiting' then
    if old and old ~= 'waiting' then redis.call('HDEL', ctx.K.j, id) end
    to_stream(ctx, id, r)
    return
  end
  redis.call('HSET', ctx.K.j, id, rec_encode(r))
  if new == 'delayed' then
    redis.call('ZADD', ctx.K.d, r[R_RUNAT], id)
    ctx.due = true
  elseif new == 'active' then
    redis.call('ZADD', ctx.K.l, r[R_EXPIRES], id)
  elseif FINAL[new] and old ~= new then
    local finished = ctx_table(ctx, 'pending_finished')
    finished[#finished + 1] = r[R_FINISHED]
    finished[#finished + 1] = id
    if has_children(ctx, id) then
      redis.call('RPUSH', ctx.K.x, id)
      ctx.due = true
    end
  end
end

-- Ends a job: final status, finishedAt, lease dropped unless told to keep it (a job
-- canceled while active keeps its lease so that its worker learns why it lost it).
local function finish(ctx, id, r, old, status, now, err, keep_lease)
  ctx.now = now
  r[R_STATUS] = status
  r[R_FINISHED] = tostring(now)
  if err then r[R_ERROR] = err end
  if not keep_lease then rec_clear_lease(r) end
  save(ctx, id, r, old)
end

-- One slice of ONE tenant's job list, newest first (src/store/list-jobs.ts pages and merges
-- tenants): from the status index for a status other than waiting and active, from the
-- lease index for active, else from the creation log (listing.lua). At most BUDGET jobs are looked at, so a call's work is bounded by its
-- arguments whatever the tenant holds; a filter that few jobs match takes several calls,
-- each going on below where the last one stopped.
-- @keys 1
-- @no-writes
-- ARGV[1] bound: only jobs strictly older than this place in the log '<ms>-<seq>.<k>' ('' none;
--         k 0: older than the whole entry)
-- ARGV[2] status ('' for any)   ARGV[3] name ('' for any)   ARGV[4] tag ('' for any)
-- ARGV[5] WANT: most jobs to answer   ARGV[6] BUDGET: most jobs to look at
-- ARGV[7] what records keep of the large fields: 'p' payload, 'r' result ('pr' both, '' none)
-- Answer: { the place of the last job looked at ('' none), 1 when the list has nothing
--           older (this slice reached its end) else 0, jobs looked at, then three per job:
--           its place, local id, record }
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local bound, status, name, tag = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local want, budget, include = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local keep_payload = string.find(include, 'p', 1, true) ~= nil
local keep_result = string.find(include, 'r', 1, true) ~= nil
local needle = tag ~= '' and ('"' .. tag .. '"') or nil

-- Whether a record (raw, as kept in K.j) may match: its tag, status and name are looked
-- for before the record is decoded, since most entries a filtered slice looks at do not match.
local function may_match(raw)
  -- A tag is in the record's text wherever it is, so a record without it is no match.
  if needle and not string.find(raw, needle, 1, true) then return false end
  local at = field_starts(raw, R_NAME + 1)
  if status ~= '' and string.sub(raw, 1, at[2] - 2) ~= status then return false end
  if name ~= '' and string.sub(raw, at[R_NAME], at[R_NAME + 1] - 2) ~= name then return false end
  return true
end

-- The job's record as listed (nil when it does not match the filters).
local function listed(r, job_status)
  if status ~= '' and job_status ~= status then return nil end
  if name ~= '' and r[R_NAME] ~= name then return nil end
  if needle then
    -- Most options hold no such string: decode only those that may carry the tag.
    if not string.find(r[R_OPTIONS], needle, 1, true) then return nil end
    local found = false
    for _, t in ipairs(rec_options(r).tags or {}) do
      if t == tag then found = true end
    end
    if not found then return nil end
  end
  if not keep_payload then r[R_PAYLOAD] = '' end
  if not keep_result then r[R_RESULT] = '' end
  return rec_encode(r)
end

-- Every filter may reject any entry, so a slice reads its whole budget; without filters
-- (beyond the status the source already holds) it reads what it answers.
local filtered = name ~= '' or tag ~= '' or status == 'waiting'
local count = filtered and budget or math.min(budget, want)
local out = { '', 0, 0 }

-- Looks at `places` ({ place, local id } pairs, newest first) in order, at most `count`,
-- until WANT matched; `ended`: the source has nothing older than these. `job_of(id)`
-- answers the job's record and status when it may match, else nil.
local function look(places, ended, job_of)
  local looked = 0
  for i = 1, math.min(#places, count) do
    if (#out - 3) / 3 >= want then break end
    local place, id = places[i][1], places[i][2]
    out[1] = place
    looked = i
    local r, job_status = job_of(id)
    local record = r and listed(r, job_status)
    if record then
      out[#out + 1] = place
      out[#out + 1] = id
      out[#out + 1] = record
    end
  end
  out[3] = looked
  if ended and looked == #places then out[2] = 1 end
end

-- A job kept in K.j (its record `raw`, read here when not given), filtered on the raw
-- record before it is decoded.
local function kept_job(id, raw)
  raw = raw or redis.call('HGET', K.j, id)
  if not (raw and may_match(raw)) then return nil end
  local r = rec_decode(raw)
  return r, r[R_STATUS]
end

local bound_ms, bound_seq, bound_k = string.match(bound, '^(%d+)%-(%d+)%.(%d+)$')

-- At least `count` places of the log below the bound (whole entries, newest first), and
-- whether the log has nothing older.
local function log_places()
  local places = {}
  local function add(entry)
    local ids = {}
    for id in string.gmatch(entry[2][2], '%S+') do ids[#ids + 1] = id end
    local from = #ids
    if bound ~= '' and entry[1] == bound_ms .. '-' .. bound_seq then from = math.min(from, tonumber(bound_k) - 1) end
    for k = from, 1, -1 do places[#places + 1] = { entry[1] .. '.' .. k, ids[k] } end
  end
  local top = '+'
  if bound ~= '' then
    local entry_id = bound_ms .. '-' .. bound_seq
    -- The jobs of the bound's own entry placed before it come first.
    if tonumber(bound_k) > 1 then
      local entry = redis.call('XRANGE', K.a, entry_id, entry_id)[1]
      if entry then add(entry) end
    end
    top = '(' .. entry_id
  end
  while #places < count do
    local entries = redis.call('XREVRANGE', K.a, top, '-', 'COUNT', 2)
    for _, entry in ipairs(entries) do
      add(entry)
      top = '(' .. entry[1]
    end
    if #entries < 2 then return places, true end
  end
  return places, false
end

-- The places of `suffixes` (status index members without their status code), newest first.
local function places_of(suffixes)
  local places = {}
  for i = 1, #suffixes do
    local ms, seq, k = struct.unpack('>I6I4I1', suffixes[i])
    places[i] = { string.format('%d-%d.%d', ms, seq, k), string.sub(suffixes[i], 12) }
  end
  return places
end

if status == 'active' then
  -- Active jobs are the lease index's members (listing.lua: not in the status index), few
  -- at a time however many the tenant keeps: each is placed here as the index would place it.
  local ids = redis.call('ZRANGE', K.l, 0, -1)
  local below = bound ~= '' and log_bytes(tonumber(bound_ms), tonumber(bound_seq), tonumber(bound_k)) or nil
  local suffixes = {}
  for from = 1, #ids, 1000 do
    local chunk = { unpack(ids, from, math.min(from + 999, #ids)) }
    local raws = redis.call('HMGET', K.j, unpack(chunk))
    for i, id in ipairs(chunk) do
      local raw = raws[i]
      if raw and string.sub(raw, 1, 7) == 'active\0' then
        local at = field_starts(raw, R_CREATED + 1)
        local suffix = index_suffix(string.sub(raw, at[R_CREATED], at[R_CREATED + 1] - 2), id)
        if suffix and (not below or suffix < below) then suffixes[#suffixes + 1] = suffix end
      end
    end
  end
  table.sort(suffixes, function(x, y) return x > y end)
  look(places_of(suffixes), true, function(id) return kept_job(id) end)
elseif status ~= '' and status ~= 'waiting' then
  local code = STATUS_CODE[status]
  local top
  if bound == '' then
    top = '(' .. string.char(string.byte(code) + 1)
  else
    top = '(' .. code .. log_bytes(tonumber(bound_ms), tonumber(bound_seq), tonumber(bound_k))
  end
  local members = redis.call('ZREVRANGEBYLEX', K.i, top, '[' .. code, 'LIMIT', 0, count)
  local suffixes = {}
  for i = 1, #members do suffixes[i] = string.sub(members[i], 2) end
  look(places_of(suffixes), #members < count, function(id) return kept_job(id) end)
else
  -- A job in K.j (any status but waiting, or parked) is filtered on its raw record; a
  -- waiting job's entry is read only when waiting jobs may match.
  local places, ended = log_places()
  look(places, ended, function(id)
    local raw = redis.call('HGET', K.j, id)
    if raw then return kept_job(id, raw) end
    if status == '' or status == 'waiting' then return load_job(ctx, id) end
    return nil
  end)
end
return reply(ctx, out)

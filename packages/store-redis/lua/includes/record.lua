-- Shared: a job's record, as kept in K.j for every job that is not waiting: sixteen fields
-- joined by NUL (JSON never holds a raw NUL; cheaper than cjson). '' means unset. The
-- order is RECORD_FIELDS in src/value-layouts.ts, which src/store/record.ts decodes.
local R_STATUS, R_PRIORITY, R_CREATED, R_ATTEMPT = 1, 2, 3, 4
local R_STARTED, R_FINISHED, R_RUNAT = 5, 6, 7
local R_NAME, R_PAYLOAD, R_OPTIONS = 8, 9, 10
local R_RESULT, R_ERROR, R_PROGRESS = 11, 12, 13
local R_WORKER, R_TOKEN, R_EXPIRES = 14, 15, 16
local RECORD_FIELDS = 16

local FINAL = { succeeded = true, failed = true, canceled = true }

-- The `count` NUL-joined fields of `raw` as a table (records here, schedule rows in
-- schedule.lua): the last field takes the rest, NULs and all.
local function split_fields(raw, count)
  local fields = {}
  local pos = 1
  for i = 1, count - 1 do
    local stop = string.find(raw, '\0', pos, true)
    fields[i] = string.sub(raw, pos, stop - 1)
    pos = stop + 1
  end
  fields[count] = string.sub(raw, pos)
  return fields
end

local function rec_decode(raw)
  return split_fields(raw, RECORD_FIELDS)
end

local function rec_encode(r)
  return table.concat(r, '\0', 1, RECORD_FIELDS)
end

-- A record for a job entering the store: fields as enqueue and recordFires pass them;
-- `created` is the created field listing.lua's log_new answered.
local function rec_new(priority, created, run_at, name, payload, options)
  return { '', tostring(priority), created, '0', '', '', run_at or '', name, payload, options,
    '', '', '', '', '', '' }
end

-- Options (src/codec.ts: '' for all defaults, else JSON of the fields that differ).
local function rec_options(r)
  if r[R_OPTIONS] == '' then return {} end
  return cjson.decode(r[R_OPTIONS])
end

local function rec_max_attempts(r)
  return tonumber(rec_options(r).maxAttempts or 1)
end

local function rec_clear_lease(r)
  r[R_WORKER], r[R_TOKEN], r[R_EXPIRES] = '', '', ''
end

-- Ends attempts of ONE tenant's jobs (core's settlementMove, in Lua).
-- @keys 1
-- ARGV[1] now
-- ARGV[2..] five per settlement: local id, token, outcome ('succeeded' | 'failed' |
--           'released'), data (result JSON for succeeded, error JSON for failed, else ''),
--           retryAt ('' for none)
-- Answer: one lease state per settlement: 'ok', 'lost' or 'canceled' (the job was
-- canceled under the lease: it stays canceled).
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local now = ARGV[1]
-- Jobs that end here count as activity in the minute of `now` (jobs.lua).
ctx.now = now
local out = {}
-- Final outcomes (the common case) are cut and joined as strings and written in one HSET;
-- a parent with blocked children is looked for only when the tenant has any.
local finals, indexed = {}, {}
local any_children = redis.call('ZCARD', K.c) > 0

for a = 2, #ARGV, 5 do
  local id, token, outcome, data, retry_at = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local raw = redis.call('HGET', K.j, id)
  local state = 'lost'
  if raw then
    local at = field_starts(raw, RECORD_FIELDS)
    local status = string.sub(raw, 1, at[2] - 2)
    local held = string.sub(raw, at[R_TOKEN], at[R_EXPIRES] - 2) == token
    if held and status == 'canceled' then
      state = 'canceled'
    elseif held and status == 'active' then
      state = 'ok'
      local p = string.sub(raw, at[R_PRIORITY], at[R_CREATED] - 2)
      if outcome == 'succeeded' or (outcome == 'failed' and retry_at == '') then
        -- Final: status, finishedAt, result or error set; lease cleared; the rest as it was.
        local final, result, err
        if outcome == 'succeeded' then
          final, result, err = 'succeeded', data, ''
        else
          final, result, err = 'failed', string.sub(raw, at[R_RESULT], at[R_ERROR] - 2), data
        end
        finals[#finals + 1] = id
        finals[#finals + 1] = table.concat({ final .. string.sub(raw, at[R_PRIORITY] - 1, at[R_FINISHED] - 2), now,
          string.sub(raw, at[R_RUNAT], at[R_RESULT] - 2), result, err,
          string.sub(raw, at[R_PROGRESS], at[R_WORKER] - 2), '', '', '' }, '\0')
        local created = string.sub(raw, at[R_CREATED], at[R_ATTEMPT] - 2)
        local suffix = index_suffix(created, id)
        -- Into the status index; an active job has no member there (listing.lua).
        if suffix then
          indexed[#indexed + 1] = 0
          indexed[#indexed + 1] = STATUS_CODE[final] .. suffix
        end
        local unleased, finished = ctx_table(ctx, 'pending_unleased'), ctx_table(ctx, 'pending_finished')
        unleased[#unleased + 1] = id
        finished[#finished + 1] = now
        finished[#finished + 1] = id
        bump(ctx, 'active', p, -1)
        bump(ctx, final, p, 1)
        let_go(ctx, id)
        if any_children and has_children(ctx, id) then
          redis.call('RPUSH', K.x, id)
          ctx.due = true
        end
      else
        local r = rec_decode(raw)
        -- A failure with another attempt to come: kept as a past attempt (the lease still
        -- names its worker), counted as retried.
        if outcome == 'failed' then attempt_retried(ctx, id, r, now, data) end
        rec_clear_lease(r)
        if outcome == 'failed' then
          r[R_ERROR] = data
          if tonumber(retry_at) > tonumber(now) then
            r[R_STATUS] = 'delayed'
            r[R_RUNAT] = retry_at
          else
            r[R_STATUS] = 'waiting'
          end
        else
          -- Released by a graceful shutdown: the attempt never happened.
          local attempt = math.max(0, tonumber(r[R_ATTEMPT]) - 1)
          r[R_ATTEMPT] = tostring(attempt)
          if attempt == 0 then r[R_STARTED] = '' end
          r[R_STATUS] = 'waiting'
        end
        save(ctx, id, r, 'active')
      end
    end
  end
  out[#out + 1] = state
end
call_chunked('HSET', K.j, finals)
call_chunked('ZADD', K.i, indexed)
return reply(ctx, out)

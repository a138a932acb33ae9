-- Ends attempts of ONE tenant's jobs (core's settlementMove, in Lua).
-- @keys 22
-- ARGV[1] now
-- ARGV[2..] five per settlement: local id, token, outcome ('succeeded' | 'failed' |
--           'released'), data (result JSON for succeeded, error JSON for failed, else ''),
--           retryAt ('' for none)
-- Answer: one lease state per settlement: 'ok', 'lost' or 'canceled' (the job was
-- canceled under the lease: it stays canceled).
-- @include keys
-- @include record
-- @include jobs
local now = ARGV[1]
local out = {}
for a = 2, #ARGV, 5 do
  local id, token, outcome, data, retry_at = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local raw = redis.call('HGET', K.j, id)
  local state = 'lost'
  if raw then
    local r = rec_decode(raw)
    if r[R_TOKEN] == token and r[R_STATUS] == 'canceled' then
      state = 'canceled'
    elseif r[R_TOKEN] == token and r[R_STATUS] == 'active' then
      state = 'ok'
      if outcome == 'succeeded' then
        r[R_RESULT] = data
        r[R_ERROR] = ''
        finish(id, r, 'active', 'succeeded', now)
      elseif outcome == 'failed' and retry_at == '' then
        finish(id, r, 'active', 'failed', now, data)
      else
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
        save(id, r, 'active')
      end
    end
  end
  out[#out + 1] = state
end
return reply(out)

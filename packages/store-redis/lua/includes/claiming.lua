-- Shared by the two scripts that lease jobs, claim.lua (from a band's stream) and
-- claim-parked.lua (parked jobs granted their gates): the active record, the memo of what a
-- call handed out, the replay of a lost answer, and the answer itself. Needs keys, record
-- and jobs first.
-- @include keys
-- @include record
-- @include jobs

-- A job's record once leased: fields 6..12 of its record (the entry's tail, which a claim
-- copies as one piece: see jobs.lua) are `tail`, already NUL-joined; progress starts again.
local function active_record(p, created, attempt, now, tail, worker, token, expires)
  return table.concat({ 'active', p, created, tonumber(attempt) + 1, now, tail, '', worker, token, expires }, '\0')
end

-- The memo (K.q): what a call handed out under its claim id, '<made at> <id>/<token> …',
-- kept until the same claimer's next call; retention sweeps those of claimers that died.
local function keep_memo(ctx, claim_id, now, handed)
  redis.call('HSET', ctx.K.q, claim_id, now .. ' ' .. table.concat(handed, ' '))
end

-- A claimer whose answer was lost asks again with the same claim id: the jobs its memo names
-- that are still active under the token handed out, as id, record, id, record, …. Both
-- scripts replay this way. The token alone is not enough: a job canceled while active keeps
-- its token (its worker learns from it why its lease ended), and must not be handed out.
local function memo_replay(ctx, memo)
  local jobs = {}
  for id, token in string.gmatch(memo, '([^ /]+)/([^ ]+)') do
    local raw = redis.call('HGET', ctx.K.j, id)
    if raw then
      local r = rec_decode(raw)
      if r[R_TOKEN] == token and r[R_STATUS] == 'active' then
        jobs[#jobs + 1] = id
        jobs[#jobs + 1] = raw
      end
    end
  end
  return jobs
end

-- The band's waiting jobs still in its stream, and those parked, once this call's count
-- changes are written.
local function band_counts(ctx, p)
  flush_writes(ctx)
  local c = redis.call('HMGET', ctx.K.n, 'waiting/' .. p, 'parked/' .. p)
  local parked = tonumber(c[2] or '0')
  return tonumber(c[1] or '0') - parked, parked
end

-- The answer of both scripts, decoded by src/store/claim-answer.ts:
--   { left, limited (0/1), parked, read, N, N pairs, then id, record per job }
-- `pairs` are claim.lua's offered parked jobs (id, needs) or claim-parked.lua's grants it
-- could not use (id, holder).
local function claim_reply(ctx, left, limited, parked, read, pairs, jobs)
  local out = { left, limited, parked, read, #pairs / 2 }
  for i = 1, #pairs do out[#out + 1] = pairs[i] end
  for i = 1, #jobs do out[#out + 1] = jobs[i] end
  return reply(ctx, out)
end

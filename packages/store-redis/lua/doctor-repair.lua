-- cadenza doctor --repair: fixes, in ONE tenant, what a doctor finding showed and what can
-- be fixed without guessing (src/store/doctor/repair.ts). Each fix first checks, here and
-- now, that the state is still the one found, so a store in use is never "repaired" into a
-- state it had already left.
-- @keys 1
-- ARGV[1] what to fix, then its arguments:
--   'reindex' id          puts job `id` into exactly the indexes its record (or stream
--                         entry) calls for: leases, delayed, finished, parked, listing;
--                         gate entries it no longer has a right to go (a hold is given back)
--   'where' p entry       a stream entry the waiting index lost: points the index at it again,
--                         unless its job is known elsewhere
--   'key' key             drops an idempotency key whose job is gone
--   'past' id             drops the past attempts of job `id`, which is gone
--   'child' member        drops a children entry ('<parent>\0<child>') whose child is not blocked
--   'register' parent id  registers blocked job `id` as a child of `parent`, and queues an
--                         ended parent for release
--   'count' field delta   adds `delta` to count `field` of K.n
--   'schedule' id old new score   replaces row `old` of schedule `id` by `new` when it is still
--                         `old` (`old` '' : drops `id` from the fire index when there is no
--                         such schedule), and files it in the fire index at `score` ('' none)
-- Answer: { 1 when fixed, 0 when the state had moved on and nothing was done }
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local op = ARGV[1]

-- Sorted set `key` holds `id` at `score` exactly when `inside`.
local function place(key, id, inside, score)
  if inside then redis.call('ZADD', key, score, id) else redis.call('ZREM', key, id) end
end

local function reindex(id)
  local raw = redis.call('HGET', K.j, id)
  local in_stream = redis.call('HEXISTS', K.w, id) == 1
  if raw and in_stream then return 0 end -- in two places: which one is right is a guess
  local status, r = nil, nil
  if raw then
    r = rec_decode(raw)
    status = r[R_STATUS]
  end
  place(K.l, id, status == 'active' and r[R_EXPIRES] ~= '', r and r[R_EXPIRES])
  place(K.d, id, status == 'delayed', r and r[R_RUNAT])
  place(K.f, id, status ~= nil and FINAL[status] == true, r and r[R_FINISHED])
  if status ~= 'waiting' then redis.call('ZREM', K.g, id) end
  local gate = redis.call('HGET', K.gn, id)
  if gate and string.sub(gate, 1, 1) == '@' and status ~= 'active' then
    redis.call('HDEL', K.gn, id)
    local freed = ctx_table(ctx, 'freed')
    freed[#freed + 1] = string.sub(gate, 2)
  elseif gate and string.sub(gate, 1, 1) ~= '@' and status ~= 'waiting' then
    redis.call('HDEL', K.gn, id)
  end
  if r then
    local member = index_member(status, r[R_CREATED], id)
    if member then redis.call('ZADD', K.i, 0, member) end
  end
  return 1
end

local function index_member_gone(member)
  -- A listing member whose job is in another status, or gone: drop it, then re-file the job.
  if not redis.call('ZSCORE', K.i, member) then return 0 end
  redis.call('ZREM', K.i, member)
  reindex(string.sub(member, 13))
  return 1
end

local done = 0
if op == 'reindex' then
  done = reindex(ARGV[2])
elseif op == 'unlist' then
  done = index_member_gone(ARGV[2])
elseif op == 'where' then
  local p, entry = ARGV[2], ARGV[3]
  local found = redis.call('XRANGE', stream_of(ctx, p), entry, entry)[1]
  if found then
    local _, id = entry_record(found[2], p)
    if not redis.call('HGET', K.w, id) and not redis.call('HGET', K.j, id) then
      redis.call('HSET', K.w, id, p .. '/' .. entry)
      note_ready(ctx, p)
      done = 1
    end
  end
elseif op == 'key' then
  local id = redis.call('HGET', K.k, ARGV[2])
  if id and not redis.call('HGET', K.j, id) and redis.call('HEXISTS', K.w, id) == 0 then
    redis.call('HDEL', K.k, ARGV[2])
    done = 1
  end
elseif op == 'past' then
  local id = ARGV[2]
  if not redis.call('HGET', K.j, id) and redis.call('HEXISTS', K.w, id) == 0 then
    done = redis.call('HDEL', K.pa, id)
  end
elseif op == 'child' then
  local member = ARGV[2]
  local child = string.match(member, '^[^%z]*%z(.*)$')
  if child and redis.call('ZSCORE', K.c, member) and status_of(ctx, child) ~= 'blocked' then
    redis.call('ZREM', K.c, member)
    done = 1
  end
elseif op == 'register' then
  local parent, id = ARGV[2], ARGV[3]
  local parent_status = status_of(ctx, parent)
  if status_of(ctx, id) == 'blocked' and parent_status then
    redis.call('ZADD', K.c, 0, parent .. '\0' .. id)
    if FINAL[parent_status] and not redis.call('LPOS', K.x, parent) then
      redis.call('RPUSH', K.x, parent)
      ctx.due = true
    end
    done = 1
  end
elseif op == 'count' then
  redis.call('HINCRBY', K.n, ARGV[2], ARGV[3])
  done = 1
elseif op == 'schedule' then
  local id, old, new, score = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
  local raw = redis.call('HGET', K.h, id)
  if old == '' then
    if not raw then
      redis.call('ZREM', K.hz, id)
      done = 1
    end
  elseif raw == old then
    redis.call('HSET', K.h, id, new)
    if score == '' then redis.call('ZREM', K.hz, id) else redis.call('ZADD', K.hz, score, id) end
    ctx.due = true
    done = 1
  end
end
return reply(ctx, { done })

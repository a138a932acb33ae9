-- Shared: the tenant's limits (core's TenantLimits), enforced at claim time inside the
-- tenant's slot, so every worker of the cluster sees the same counts and the same bucket.
-- Needs the keys include first.
--
-- Active jobs are the sum of the `active/<p>` counts that save() and claim keep in K.n
-- (a job canceled while active is counted as canceled, so it gives its place back).
-- The rate is a token bucket kept in K.n as `bt` (tokens, a float) and `ba` (the claim
-- time it was last refilled to); a bucket never seen starts full (core's refill()).
-- Time is only ever the claim's `now`: a `now` behind `ba` (another worker's clock)
-- refills nothing and keeps `ba`, so no span of time is counted twice.

-- Slack for float sums (0.2 + 0.8 may land a hair under 1): a token is whole within it.
local TOKEN_EPSILON = 1e-9

local function active_count(ctx)
  local fields = {}
  for p = 0, 9 do fields[#fields + 1] = 'active/' .. p end
  local total = 0
  for _, count in ipairs(redis.call('HMGET', ctx.K.n, unpack(fields))) do
    if count then total = total + tonumber(count) end
  end
  return total
end

-- The bucket after `now`, as { tokens, at }.
local function refilled(ctx, now, rate, burst)
  local state = redis.call('HMGET', ctx.K.n, 'bt', 'ba')
  if not state[1] then return { burst, now } end
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if now <= at then return { math.min(burst, tokens), at } end
  return { math.min(burst, tokens + (now - at) * rate / 1000), now }
end

-- How many jobs the tenant may start now (nil: no limit), and a function that spends
-- `n` of them (writes the bucket only when tokens were taken: refilling later from the
-- older time gives the same tokens, since the bucket is capped either way).
local function limit_room(ctx, now, max_active, rate, burst)
  local room, bucket = nil, nil
  if max_active then room = max_active - active_count(ctx) end
  if rate then
    bucket = refilled(ctx, now, rate, burst)
    local whole = math.floor(bucket[1] + TOKEN_EPSILON)
    if room == nil or whole < room then room = whole end
  end
  local function spend(n)
    if bucket == nil or n == 0 then return end
    -- %.17g: the float read back is the one written (tostring keeps only 14 digits).
    redis.call('HSET', ctx.K.n, 'bt', string.format('%.17g', math.max(0, bucket[1] - n)),
      'ba', string.format('%.17g', bucket[2]))
  end
  return room, spend
end

-- Reads jobs of ONE tenant, wherever their status keeps them.
-- @keys 1
-- @no-writes
-- ARGV[1..] local ids
-- Answer: per id its record (lua/includes/record.lua; a waiting job's is built from its
-- stream entry), or '' when there is no such job.
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local out = {}
for i = 1, #ARGV do
  local r = load_job(ctx, ARGV[i])
  out[i] = r and rec_encode(r) or ''
end
return reply(ctx, out)

-- Shared: placing a new job (enqueue, schedule fires). Needs keys, record and jobs.

local function id_taken(ctx, id)
  return redis.call('HEXISTS', ctx.K.j, id) == 1 or redis.call('HEXISTS', ctx.K.w, id) == 1
end

-- A job waits until every parent has succeeded; a parent that ended failed or
-- canceled fails it. A parent no longer kept counts as done (see core's verdictOf).
-- Returns 'ready' | 'blocked' | 'failed', and for 'failed' the parent and its status.
local function verdict(ctx, parents)
  local blocked = false
  for i = 1, #parents do
    local s = status_of(ctx, parents[i])
    if s == 'failed' or s == 'canceled' then return 'failed', parents[i], s end
    if s and s ~= 'succeeded' then blocked = true end
  end
  return blocked and 'blocked' or 'ready'
end

local function dependency_error(ctx, parent, status)
  return cjson.encode({ code = 'dependency_failed', message = 'parent job ' .. tenant_name(ctx) .. ':' .. parent .. ' ended ' .. status })
end

-- Registers `id` as a blocked child of each parent that has not ended.
local function block_on(ctx, id, parents)
  for i = 1, #parents do
    local s = status_of(ctx, parents[i])
    if s and not FINAL[s] then add_child(ctx, parents[i], id) end
  end
end

-- Sets the first status of job `id` (record `r`, status unset) from its parents and
-- runAt, and writes it: failed (dependency_failed), blocked, delayed or waiting.
-- Ready to run: delayed while its runAt is still ahead, else waiting.
local function set_runnable(r, now)
  if r[R_RUNAT] ~= '' and tonumber(r[R_RUNAT]) > tonumber(now) then
    r[R_STATUS] = 'delayed'
  else
    r[R_STATUS] = 'waiting'
  end
end

local function place(ctx, id, r, parents, now, old)
  local v, parent, parent_status = verdict(ctx, parents)
  if v == 'failed' then
    ctx.now = now
    r[R_STATUS] = 'failed'
    r[R_FINISHED] = tostring(now)
    r[R_ERROR] = dependency_error(ctx, parent, parent_status)
  elseif v == 'blocked' then
    r[R_STATUS] = 'blocked'
    block_on(ctx, id, parents)
  else
    set_runnable(r, now)
  end
  save(ctx, id, r, old)
  return r[R_STATUS]
end

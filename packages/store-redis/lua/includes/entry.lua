-- Shared: read one stream entry's fields into a table (nil when the entry is gone).
-- Entry fields: i job id, n name, p payload (JSON, '' for none), o options (JSON, '' for
-- defaults), a attempts spent before this entry, t createdAt (epoch ms).
local function read_entry(stream, entry_id)
  local found = redis.call('XRANGE', stream, entry_id, entry_id)
  local first = found[1]
  if not first then return nil end
  local raw = first[2]
  local fields = {}
  for j = 1, #raw, 2 do fields[raw[j]] = raw[j + 1] end
  return fields
end

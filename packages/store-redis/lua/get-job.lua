-- Reads one job of ONE tenant wherever it is.
-- @keys 13
-- KEYS[1]  w  hash (waiting or active: where its stream entry is)
-- KEYS[2]  a  hash (active lease)
-- KEYS[3]  f  hash (finished record)
-- KEYS[4..13] streams of priority bands 0..9
-- ARGV[1]  job id
-- Returns {'finished', record} | {'active', lease, fields...} | {'waiting', priority, fields...} | {}
-- @include streams
-- @include entry
local id = ARGV[1]
local record = redis.call('HGET', KEYS[3], id)
if record then return { 'finished', record } end
local where = redis.call('HGET', KEYS[1], id)
if not where then return {} end
local priority, entry_id = string.match(where, '^(%d)/(.+)$')
local f = read_entry(stream_key(4, priority), entry_id)
if not f then return {} end
local fields = { f.n, f.p, f.o, f.a, f.t, priority }
local lease = redis.call('HGET', KEYS[2], id)
if lease then
  table.insert(fields, 1, lease)
  table.insert(fields, 1, 'active')
else
  table.insert(fields, 1, 'waiting')
end
return fields

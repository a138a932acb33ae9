-- Shared: the stream key of a priority band, given that KEYS[first] is band 0's stream
-- and bands 1..9 follow in order (every script that needs them takes all ten).
local function stream_key(first, priority)
  return KEYS[first + tonumber(priority)]
end

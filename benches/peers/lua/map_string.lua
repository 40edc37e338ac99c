-- map_string: a table keyed by strings: insert many distinct keys, look up hits
-- and misses, update values in place, count word frequencies, iterate.
-- Size: 300,000 distinct keys, 600,000 lookups, 1,500,000 counter updates.
local n = 300000
local m = {}
for i = 0, n - 1 do
  m["key" .. i] = i
end

-- Lookups: half of the probed keys are present.
local found = 0
local sum = 0
for i = 0, 2 * n - 1 do
  local v = m["key" .. i]
  if v ~= nil then
    found = found + 1
    sum = sum + v
  end
end
print("found " .. found .. ", sum " .. sum)

-- Update every third key in place.
local i = 0
while i < n do
  local k = "key" .. i
  m[k] = m[k] * 2
  i = i + 3
end

-- Word-frequency style counting over a small key set.
local counts = {}
for j = 0, 1500000 - 1 do
  local w = "w" .. (j * 7 % 1009)
  counts[w] = (counts[w] or 0) + 1
end

local total = 0
local entries = 0
for k, v in pairs(m) do
  total = total + v
  entries = entries + 1
end
local max_count = 0
local words = 0
for w, c in pairs(counts) do
  if c > max_count then max_count = c end
  words = words + 1
end
print("entries " .. entries .. ", total " .. total)
print("words " .. words .. ", max count " .. max_count)

-- map_numeric: a table keyed by integers: insert many sparse keys, look up hits
-- and misses, update values in place, remove keys, count into a small histogram,
-- iterate. Size: 400,000 keys, 1,200,000 lookups, 2,000,000 counter updates.
local n = 400000
local m = {}
for i = 0, n - 1 do
  m[i * 7] = i
end

-- Lookups: one probe in seven hits.
local found = 0
local sum = 0
for i = 0, 3 * n - 1 do
  local v = m[i * 3]
  if v ~= nil then
    found = found + 1
    sum = sum + v
  end
end
print("found " .. found .. ", sum " .. sum)

-- Update every second key in place, then remove every fifth.
local i = 0
while i < n do
  local k = i * 7
  m[k] = m[k] * 3 + 1
  i = i + 2
end
i = 0
while i < n do
  m[i * 7] = nil
  i = i + 5
end

-- A histogram over a small key set.
local counts = {}
for j = 0, 2000000 - 1 do
  local b = j * j % 1021
  counts[b] = (counts[b] or 0) + 1
end

local total = 0
local keysum = 0
local entries = 0
for k, v in pairs(m) do
  total = total + v
  keysum = keysum + k
  entries = entries + 1
end
local max_count = 0
local buckets = 0
for b, c in pairs(counts) do
  if c > max_count then max_count = c end
  buckets = buckets + 1
end
print("entries " .. entries .. ", total " .. total .. ", key sum " .. keysum)
print("buckets " .. buckets .. ", max count " .. max_count)

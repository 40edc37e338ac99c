-- string_build: build a large string from many small pieces by concatenation
-- and interpolation, join the lines, then split it up again and parse numbers
-- out of it. Size: 250,000 lines of five numbers each (about 8 MB of text).

-- Split s on the plain separator sep, keeping empty fields (like Cairn's split).
local function split(s, sep)
  local parts = {}
  local start = 1
  while true do
    local i, j = string.find(s, sep, start, true)
    if i == nil then
      parts[#parts + 1] = string.sub(s, start)
      return parts
    end
    parts[#parts + 1] = string.sub(s, start, i - 1)
    start = j + 1
  end
end

local n = 250000
local lines = {}
for i = 0, n - 1 do
  local line = "row " .. i .. ":"
  for j = 1, 5 do
    line = line .. " " .. tostring(i * j % 997)
  end
  lines[#lines + 1] = line
end
local text = table.concat(lines, "\n")
print("length " .. #text)

local sum = 0
local rows = 0
for _, line in ipairs(split(text, "\n")) do
  local fields = split(line, " ")
  sum = sum + tonumber(fields[#fields])
  rows = rows + 1
end
print("rows " .. rows .. ", sum of last fields " .. sum)
print("sevens " .. (#split(text, "7") - 1))

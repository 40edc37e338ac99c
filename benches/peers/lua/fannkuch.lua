-- fannkuch: the Benchmarks Game fannkuch-redux algorithm (permutations, array
-- indexing and swapping, integer loops). Size: n = 9 (362,880 permutations).
-- Same algorithm as the Cairn program, with 1-based arrays holding 1..n.
local function fannkuch(n)
  local perm1, perm, count = {}, {}, {}
  for i = 1, n do
    perm1[i] = i
    perm[i] = 0
    count[i] = 0
  end
  local max_flips, checksum, perm_count, r = 0, 0, 0, n
  while true do
    while r ~= 1 do
      count[r] = r
      r = r - 1
    end
    for i = 1, n do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      local i, j = 1, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > max_flips then max_flips = flips end
    if perm_count % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    -- Next permutation.
    while true do
      if r == n then return checksum, max_flips end
      local perm0 = perm1[1]
      for i = 1, r do perm1[i] = perm1[i + 1] end
      perm1[r + 1] = perm0
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
    perm_count = perm_count + 1
  end
end

local n = 9
local checksum, max_flips = fannkuch(n)
print(checksum)
print(string.format("Pfannkuchen(%d) = %d", n, max_flips))

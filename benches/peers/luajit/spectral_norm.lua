-- LuaJIT variant of ../lua/spectral_norm.lua: the same program, with LuaJIT's bit library
-- and math.floor for the Lua 5.3+ operators (bitwise ops, //) it lacks.
-- spectral_norm: the Benchmarks Game spectral-norm algorithm (nested loops,
-- float arithmetic, array indexing, small function calls). Size: n = 500
-- (10 power iterations, 10 million evaluations of a(i, j)).
-- Indices run from 0 as in the Cairn program, so a(i, j) sees the same values.

local function a(i, j)
  local ij = i + j
  return 1.0 / (math.floor(ij * (ij + 1) / 2) + i + 1)
end

local function mul_av(n, v, av)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do
      sum = sum + a(i, j) * v[j + 1]
    end
    av[i + 1] = sum
  end
end

local function mul_atv(n, v, atv)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do
      sum = sum + a(j, i) * v[j + 1]
    end
    atv[i + 1] = sum
  end
end

local function mul_atav(n, v, atav, tmp)
  mul_av(n, v, tmp)
  mul_atv(n, tmp, atav)
end

-- Round half to even, as Cairn's Float.round() does; returns an integer.
local function round_even(x)
  local f = math.floor(x)
  local d = x - f
  if d > 0.5 or (d == 0.5 and f % 2 == 1) then f = f + 1 end
  return f
end

-- x rounded to 9 decimals (half to even), formatted like C's "%.9f".
local function fmt9(x)
  local r = round_even(x * 1e9)
  local sign = r < 0 and "-" or ""
  local an = math.abs(r)
  return string.format("%s%d.%09d", sign, math.floor(an / 1000000000), an % 1000000000)
end

local n = 500
local u, v, tmp = {}, {}, {}
for i = 1, n do
  u[i] = 1.0
  v[i] = 0.0
  tmp[i] = 0.0
end
for i = 1, 10 do
  mul_atav(n, u, v, tmp)
  mul_atav(n, v, u, tmp)
end
local vbv, vv = 0.0, 0.0
for i = 1, n do
  vbv = vbv + u[i] * v[i]
  vv = vv + v[i] * v[i]
end
print(fmt9(math.sqrt(vbv / vv)))

-- closures: create and call many closures with captured state: adders,
-- counters with mutable captured variables, composition of closures, closures
-- capturing loop variables, and a higher-order driver loop.
-- Size: 600,000 iterations creating 3 closures each, 6,000,000 calls through
-- a captured closure, 100,000 loop-variable closures.
local function make_adder(n)
  return function(x) return x + n end
end

local function make_counter()
  local count = 0
  return function()
    count = count + 1
    return count
  end
end

local function compose(f, g)
  return function(x) return f(g(x)) end
end

local function apply_n(f, n, x)
  local acc = x
  for i = 0, n - 1 do
    acc = f(acc)
  end
  return acc
end

local n = 600000
local total = 0
local ticks = make_counter()
for i = 0, n - 1 do
  local add = make_adder(i % 1000)
  local twice = compose(add, add)
  local c = make_counter()
  c()
  total = total + twice(i) % 1000 + c()
  ticks()
end
print("total " .. total .. ", ticks " .. ticks())

local step = make_adder(3)
print("apply_n " .. apply_n(compose(step, make_adder(-2)), 6000000, 0))

local fns = {}
for i = 0, 100000 - 1 do
  fns[#fns + 1] = function() return i * 2 end
end
local s = 0
for _, f in ipairs(fns) do
  s = s + f()
end
print("loop closures " .. s)

-- LuaJIT variant of ../lua/binary_trees.lua: the same program, with LuaJIT's bit library
-- and math.floor for the Lua 5.3+ operators (bitwise ops, //) it lacks.
-- binary_trees: the Benchmarks Game binary-trees algorithm (allocation-heavy:
-- many short-lived trees plus one long-lived tree). Size: max depth 15
-- (stretch tree of depth 16).
local function item_check(tree)
  if tree.left == nil then return 1 end
  return 1 + item_check(tree.left) + item_check(tree.right)
end

local function bottom_up_tree(depth)
  if depth > 0 then
    return { left = bottom_up_tree(depth - 1), right = bottom_up_tree(depth - 1) }
  end
  return { left = nil, right = nil }
end

local min_depth = 4
local max_depth = 15
local stretch_depth = max_depth + 1

print(string.format("stretch tree of depth %d\t check: %d",
  stretch_depth, item_check(bottom_up_tree(stretch_depth))))

local long_lived = bottom_up_tree(max_depth)

local depth = min_depth
while depth <= max_depth do
  local iterations = bit.lshift(1, max_depth - depth + min_depth)
  local total = 0
  for i = 0, iterations - 1 do
    total = total + item_check(bottom_up_tree(depth))
  end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, total))
  depth = depth + 2
end

print(string.format("long lived tree of depth %d\t check: %d", max_depth, item_check(long_lived)))

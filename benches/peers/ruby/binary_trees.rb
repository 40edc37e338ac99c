# binary_trees: the Benchmarks Game binary-trees algorithm (allocation-heavy:
# many short-lived trees plus one long-lived tree). Size: max depth 15.
class Node
  attr_reader :left, :right

  def initialize(left, right)
    @left = left
    @right = right
  end
end

def item_check(tree)
  return 1 if tree.left.nil?
  1 + item_check(tree.left) + item_check(tree.right)
end

def bottom_up_tree(depth)
  return Node.new(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1)) if depth > 0
  Node.new(nil, nil)
end

min_depth = 4
max_depth = 15
stretch_depth = max_depth + 1
puts "stretch tree of depth #{stretch_depth}\t check: #{item_check(bottom_up_tree(stretch_depth))}"
long_lived = bottom_up_tree(max_depth)
depth = min_depth
while depth <= max_depth
  iterations = 1 << (max_depth - depth + min_depth)
  total = 0
  iterations.times { total += item_check(bottom_up_tree(depth)) }
  puts "#{iterations}\t trees of depth #{depth}\t check: #{total}"
  depth += 2
end
puts "long lived tree of depth #{max_depth}\t check: #{item_check(long_lived)}"

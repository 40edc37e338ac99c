# binary_trees: the Benchmarks Game binary-trees algorithm (allocation-heavy:
# many short-lived trees plus one long-lived tree). Size: max depth 15
# (stretch tree of depth 16).


class Node:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right


def item_check(tree):
    if tree.left is None:
        return 1
    return 1 + item_check(tree.left) + item_check(tree.right)


def bottom_up_tree(depth):
    if depth > 0:
        return Node(bottom_up_tree(depth - 1), bottom_up_tree(depth - 1))
    return Node(None, None)


min_depth = 4
max_depth = 15
stretch_depth = max_depth + 1

print("stretch tree of depth %d\t check: %d" % (stretch_depth, item_check(bottom_up_tree(stretch_depth))))

long_lived = bottom_up_tree(max_depth)

depth = min_depth
while depth <= max_depth:
    iterations = 1 << (max_depth - depth + min_depth)
    total = 0
    for i in range(iterations):
        total += item_check(bottom_up_tree(depth))
    print("%d\t trees of depth %d\t check: %d" % (iterations, depth, total))
    depth += 2

print("long lived tree of depth %d\t check: %d" % (max_depth, item_check(long_lived)))

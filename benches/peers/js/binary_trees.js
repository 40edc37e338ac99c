// binary_trees: the Benchmarks Game binary-trees algorithm (allocation-heavy:
// many short-lived trees plus one long-lived tree). Size: max depth 15.
class Node {
  constructor(left, right) {
    this.left = left;
    this.right = right;
  }
}

function itemCheck(tree) {
  if (tree.left === null) return 1;
  return 1 + itemCheck(tree.left) + itemCheck(tree.right);
}

function bottomUpTree(depth) {
  if (depth > 0) return new Node(bottomUpTree(depth - 1), bottomUpTree(depth - 1));
  return new Node(null, null);
}

const minDepth = 4;
const maxDepth = 15;
const stretchDepth = maxDepth + 1;
console.log(`stretch tree of depth ${stretchDepth}\t check: ${itemCheck(bottomUpTree(stretchDepth))}`);
const longLived = bottomUpTree(maxDepth);
for (let depth = minDepth; depth <= maxDepth; depth += 2) {
  const iterations = 1 << (maxDepth - depth + minDepth);
  let total = 0;
  for (let i = 0; i < iterations; i++) total += itemCheck(bottomUpTree(depth));
  console.log(`${iterations}\t trees of depth ${depth}\t check: ${total}`);
}
console.log(`long lived tree of depth ${maxDepth}\t check: ${itemCheck(longLived)}`);

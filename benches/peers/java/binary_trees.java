// binary_trees: the Benchmarks Game binary-trees algorithm (allocation-heavy:
// many short-lived trees plus one long-lived tree). Size: max depth 15.
public class binary_trees {
    static final class Node {
        final Node left, right;
        Node(Node left, Node right) { this.left = left; this.right = right; }
    }

    static long itemCheck(Node tree) {
        if (tree.left == null) return 1;
        return 1 + itemCheck(tree.left) + itemCheck(tree.right);
    }

    static Node bottomUpTree(int depth) {
        if (depth > 0) return new Node(bottomUpTree(depth - 1), bottomUpTree(depth - 1));
        return new Node(null, null);
    }

    public static void main(String[] args) {
        int minDepth = 4, maxDepth = 15, stretchDepth = maxDepth + 1;
        System.out.println("stretch tree of depth " + stretchDepth + "\t check: " + itemCheck(bottomUpTree(stretchDepth)));
        Node longLived = bottomUpTree(maxDepth);
        for (int depth = minDepth; depth <= maxDepth; depth += 2) {
            int iterations = 1 << (maxDepth - depth + minDepth);
            long total = 0;
            for (int i = 0; i < iterations; i++) total += itemCheck(bottomUpTree(depth));
            System.out.println(iterations + "\t trees of depth " + depth + "\t check: " + total);
        }
        System.out.println("long lived tree of depth " + maxDepth + "\t check: " + itemCheck(longLived));
    }
}

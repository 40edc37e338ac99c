// fannkuch: the Benchmarks Game fannkuch-redux algorithm (permutations, array
// indexing and swapping, integer loops). Size: n = 9 (362,880 permutations).
public class fannkuch {
    static long[] fannkuch(int n) {
        int[] perm1 = new int[n], perm = new int[n], count = new int[n];
        for (int i = 0; i < n; i++) perm1[i] = i;
        long maxFlips = 0, checksum = 0, permCount = 0;
        int r = n;
        for (;;) {
            while (r != 1) {
                count[r - 1] = r;
                r -= 1;
            }
            for (int i = 0; i < n; i++) perm[i] = perm1[i];
            long flips = 0;
            int k = perm[0];
            while (k != 0) {
                int i = 0, j = k;
                while (i < j) {
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                    i += 1;
                    j -= 1;
                }
                flips += 1;
                k = perm[0];
            }
            if (flips > maxFlips) maxFlips = flips;
            if (permCount % 2 == 0) checksum += flips; else checksum -= flips;
            for (;;) {
                if (r == n) return new long[] {checksum, maxFlips};
                int perm0 = perm1[0];
                for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
                perm1[r] = perm0;
                count[r] -= 1;
                if (count[r] > 0) break;
                r += 1;
            }
            permCount += 1;
        }
    }

    public static void main(String[] args) {
        int n = 9;
        long[] result = fannkuch(n);
        System.out.println(result[0]);
        System.out.println("Pfannkuchen(" + n + ") = " + result[1]);
    }
}

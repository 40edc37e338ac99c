// spectral_norm: the Benchmarks Game spectral-norm algorithm (nested loops,
// float arithmetic, array indexing, small function calls). Size: n = 500.
public class spectral_norm {
    static double a(long i, long j) {
        long ij = i + j;
        return 1.0 / (ij * (ij + 1) / 2 + i + 1);
    }

    static void mulAv(int n, double[] v, double[] av) {
        for (int i = 0; i < n; i++) {
            double sum = 0.0;
            for (int j = 0; j < n; j++) sum += a(i, j) * v[j];
            av[i] = sum;
        }
    }

    static void mulAtv(int n, double[] v, double[] atv) {
        for (int i = 0; i < n; i++) {
            double sum = 0.0;
            for (int j = 0; j < n; j++) sum += a(j, i) * v[j];
            atv[i] = sum;
        }
    }

    static void mulAtav(int n, double[] v, double[] atav, double[] tmp) {
        mulAv(n, v, tmp);
        mulAtv(n, tmp, atav);
    }

    static String fmt9(double x) {
        long r = (long) Math.rint(x * 1e9);
        long a = Math.abs(r);
        return String.format("%s%d.%09d", r < 0 ? "-" : "", a / 1000000000L, a % 1000000000L);
    }

    public static void main(String[] args) {
        int n = 500;
        double[] u = new double[n], v = new double[n], tmp = new double[n];
        java.util.Arrays.fill(u, 1.0);
        for (int i = 0; i < 10; i++) {
            mulAtav(n, u, v, tmp);
            mulAtav(n, v, u, tmp);
        }
        double vbv = 0.0, vv = 0.0;
        for (int i = 0; i < n; i++) {
            vbv += u[i] * v[i];
            vv += v[i] * v[i];
        }
        System.out.println(fmt9(Math.sqrt(vbv / vv)));
    }
}

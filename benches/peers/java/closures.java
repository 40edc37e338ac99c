// closures: create and call many closures with captured state: adders,
// counters with mutable captured variables, composition, closures capturing
// loop variables, and a higher-order driver loop. Same sizes as the Cairn program.
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

public class closures {
    static LongUnaryOperator makeAdder(long n) { return x -> x + n; }

    static LongSupplier makeCounter() {
        long[] count = {0};
        return () -> ++count[0];
    }

    static LongUnaryOperator compose(LongUnaryOperator f, LongUnaryOperator g) {
        return x -> f.applyAsLong(g.applyAsLong(x));
    }

    static long applyN(LongUnaryOperator f, int n, long x) {
        long acc = x;
        for (int i = 0; i < n; i++) acc = f.applyAsLong(acc);
        return acc;
    }

    public static void main(String[] args) {
        int n = 600000;
        long total = 0;
        LongSupplier ticks = makeCounter();
        for (int i = 0; i < n; i++) {
            LongUnaryOperator add = makeAdder(i % 1000);
            LongUnaryOperator twice = compose(add, add);
            LongSupplier c = makeCounter();
            c.getAsLong();
            total += twice.applyAsLong(i) % 1000 + c.getAsLong();
            ticks.getAsLong();
        }
        System.out.println("total " + total + ", ticks " + ticks.getAsLong());
        LongUnaryOperator step = makeAdder(3);
        System.out.println("apply_n " + applyN(compose(step, makeAdder(-2)), 6000000, 0));
        List<LongSupplier> fns = new ArrayList<>();
        for (int i = 0; i < 100000; i++) {
            final long j = i;
            fns.add(() -> j * 2);
        }
        long s = 0;
        for (LongSupplier f : fns) s += f.getAsLong();
        System.out.println("loop closures " + s);
    }
}

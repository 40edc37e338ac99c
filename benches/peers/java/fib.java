// fib: naive doubly-recursive Fibonacci; exercises calls and integer arithmetic.
// Size: fib(34) (about 18 million calls).
public class fib {
    static long fib(long n) {
        if (n < 2) return n;
        return fib(n - 1) + fib(n - 2);
    }

    public static void main(String[] args) {
        System.out.println(fib(34));
    }
}

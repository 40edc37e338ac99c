// fib: naive doubly-recursive Fibonacci; exercises calls and integer arithmetic.
// Size: fib(34) (about 18 million calls).
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

console.log(String(fib(34)));

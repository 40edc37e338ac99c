# fib: naive doubly-recursive Fibonacci; exercises calls and integer arithmetic.
# Size: fib(34) (about 18 million calls).
def fib(n)
  return n if n < 2
  fib(n - 1) + fib(n - 2)
end

puts fib(34)

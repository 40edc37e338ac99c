-- fib: naive doubly-recursive Fibonacci; exercises calls and integer arithmetic.
-- Size: fib(34) (about 18 million calls).
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

print(fib(34))

# closures: create and call many closures with captured state: adders,
# counters with mutable captured variables, composition, closures capturing
# loop variables, and a higher-order driver loop. Same sizes as the Cairn program.
def make_adder(n)
  ->(x) { x + n }
end

def make_counter
  count = 0
  -> { count += 1 }
end

def compose(f, g)
  ->(x) { f.(g.(x)) }
end

def apply_n(f, n, x)
  acc = x
  n.times { acc = f.(acc) }
  acc
end

n = 600_000
total = 0
ticks = make_counter
n.times do |i|
  add = make_adder(i % 1000)
  twice = compose(add, add)
  c = make_counter
  c.()
  total += twice.(i) % 1000 + c.()
  ticks.()
end
puts "total #{total}, ticks #{ticks.()}"

step = make_adder(3)
puts "apply_n #{apply_n(compose(step, make_adder(-2)), 6_000_000, 0)}"

fns = []
100_000.times { |i| fns << -> { i * 2 } }
s = 0
fns.each { |f| s += f.() }
puts "loop closures #{s}"

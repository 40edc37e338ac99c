# spectral_norm: the Benchmarks Game spectral-norm algorithm (nested loops,
# float arithmetic, array indexing, small function calls). Size: n = 500.
def a(i, j)
  ij = i + j
  1.0 / (ij * (ij + 1) / 2 + i + 1)
end

def mul_av(n, v, av)
  i = 0
  while i < n
    sum = 0.0
    j = 0
    while j < n
      sum += a(i, j) * v[j]
      j += 1
    end
    av[i] = sum
    i += 1
  end
end

def mul_atv(n, v, atv)
  i = 0
  while i < n
    sum = 0.0
    j = 0
    while j < n
      sum += a(j, i) * v[j]
      j += 1
    end
    atv[i] = sum
    i += 1
  end
end

def mul_atav(n, v, atav, tmp)
  mul_av(n, v, tmp)
  mul_atv(n, tmp, atav)
end

def fmt9(x)
  r = (x * 1e9).round(half: :even)
  an = r.abs
  format("%s%d.%09d", r < 0 ? "-" : "", an / 1_000_000_000, an % 1_000_000_000)
end

n = 500
u = Array.new(n, 1.0)
v = Array.new(n, 0.0)
tmp = Array.new(n, 0.0)
10.times do
  mul_atav(n, u, v, tmp)
  mul_atav(n, v, u, tmp)
end
vbv = vv = 0.0
n.times do |i|
  vbv += u[i] * v[i]
  vv += v[i] * v[i]
end
puts fmt9(Math.sqrt(vbv / vv))

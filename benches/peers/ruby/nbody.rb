# nbody: the Benchmarks Game n-body simulation of the Jovian planets
# (floating-point arithmetic and field access). Size: 300,000 steps of dt = 0.01.
# Energies are printed rounded to 9 decimals (half to even), like the Cairn program.
PI = 3.141592653589793
SOLAR_MASS = 4.0 * PI * PI
DAYS_PER_YEAR = 365.24

class Body
  attr_accessor :x, :y, :z, :vx, :vy, :vz, :mass

  def initialize(x, y, z, vx, vy, vz, mass)
    @x, @y, @z = x, y, z
    @vx, @vy, @vz = vx, vy, vz
    @mass = mass
  end
end

def make_bodies
  [
    Body.new(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS),
    Body.new(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
             1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
             -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS),
    Body.new(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
             -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
             2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS),
    Body.new(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
             2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
             -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS),
    Body.new(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
             2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
             -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS)
  ]
end

def offset_momentum(bodies)
  px = py = pz = 0.0
  bodies.each do |b|
    px += b.vx * b.mass
    py += b.vy * b.mass
    pz += b.vz * b.mass
  end
  sun = bodies[0]
  sun.vx = -px / SOLAR_MASS
  sun.vy = -py / SOLAR_MASS
  sun.vz = -pz / SOLAR_MASS
end

def advance(bodies, dt)
  n = bodies.size
  i = 0
  while i < n
    bi = bodies[i]
    bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
    bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
    j = i + 1
    while j < n
      bj = bodies[j]
      dx = bix - bj.x
      dy = biy - bj.y
      dz = biz - bj.z
      d2 = dx * dx + dy * dy + dz * dz
      mag = dt / (d2 * Math.sqrt(d2))
      bm = bj.mass * mag
      bivx -= dx * bm
      bivy -= dy * bm
      bivz -= dz * bm
      bim = bimass * mag
      bj.vx += dx * bim
      bj.vy += dy * bim
      bj.vz += dz * bim
      j += 1
    end
    bi.vx = bivx
    bi.vy = bivy
    bi.vz = bivz
    bi.x = bix + dt * bivx
    bi.y = biy + dt * bivy
    bi.z = biz + dt * bivz
    i += 1
  end
end

def energy(bodies)
  e = 0.0
  n = bodies.size
  n.times do |i|
    bi = bodies[i]
    e += 0.5 * bi.mass * (bi.vx * bi.vx + bi.vy * bi.vy + bi.vz * bi.vz)
    ((i + 1)...n).each do |j|
      bj = bodies[j]
      dx = bi.x - bj.x
      dy = bi.y - bj.y
      dz = bi.z - bj.z
      e -= (bi.mass * bj.mass) / Math.sqrt(dx * dx + dy * dy + dz * dz)
    end
  end
  e
end

def fmt9(x)
  r = (x * 1e9).round(half: :even)
  a = r.abs
  format("%s%d.%09d", r < 0 ? "-" : "", a / 1_000_000_000, a % 1_000_000_000)
end

bodies = make_bodies
offset_momentum(bodies)
puts fmt9(energy(bodies))
300_000.times { advance(bodies, 0.01) }
puts fmt9(energy(bodies))

# fannkuch: the Benchmarks Game fannkuch-redux algorithm (permutations, array
# indexing and swapping, integer loops). Size: n = 9 (362,880 permutations).
def fannkuch(n)
  perm1 = (0...n).to_a
  perm = Array.new(n, 0)
  count = Array.new(n, 0)
  max_flips = checksum = perm_count = 0
  r = n
  loop do
    while r != 1
      count[r - 1] = r
      r -= 1
    end
    n.times { |i| perm[i] = perm1[i] }
    flips = 0
    k = perm[0]
    while k != 0
      i = 0
      j = k
      while i < j
        perm[i], perm[j] = perm[j], perm[i]
        i += 1
        j -= 1
      end
      flips += 1
      k = perm[0]
    end
    max_flips = flips if flips > max_flips
    if perm_count.even?
      checksum += flips
    else
      checksum -= flips
    end
    loop do
      return [checksum, max_flips] if r == n
      perm0 = perm1[0]
      r.times { |i| perm1[i] = perm1[i + 1] }
      perm1[r] = perm0
      count[r] -= 1
      break if count[r] > 0
      r += 1
    end
    perm_count += 1
  end
end

n = 9
checksum, max_flips = fannkuch(n)
puts checksum
puts "Pfannkuchen(#{n}) = #{max_flips}"

# map_numeric: a Hash keyed by integers: insert many sparse keys, look up hits
# and misses, update values in place, remove keys, count into a small
# histogram, iterate. Size: 400,000 keys, 1,200,000 lookups, 2,000,000 updates.
n = 400_000
m = {}
n.times { |i| m[i * 7] = i }

found = 0
sum = 0
(3 * n).times do |i|
  v = m[i * 3]
  unless v.nil?
    found += 1
    sum += v
  end
end
puts "found #{found}, sum #{sum}"

i = 0
while i < n
  k = i * 7
  m[k] = m[k] * 3 + 1
  i += 2
end
i = 0
while i < n
  m.delete(i * 7)
  i += 5
end

counts = {}
2_000_000.times do |j|
  b = j * j % 1021
  counts[b] = counts.fetch(b, 0) + 1
end

total = 0
keysum = 0
entries = 0
m.each do |k, v|
  total += v
  keysum += k
  entries += 1
end
max_count = 0
buckets = 0
counts.each do |_b, c|
  max_count = c if c > max_count
  buckets += 1
end
puts "entries #{entries}, total #{total}, key sum #{keysum}"
puts "buckets #{buckets}, max count #{max_count}"

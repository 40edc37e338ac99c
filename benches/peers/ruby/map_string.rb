# map_string: a Hash keyed by strings: insert many distinct keys, look up hits
# and misses, update values in place, count word frequencies, iterate.
# Size: 300,000 distinct keys, 600,000 lookups, 1,500,000 counter updates.
n = 300_000
m = {}
n.times { |i| m["key#{i}"] = i }

found = 0
sum = 0
(2 * n).times do |i|
  v = m["key#{i}"]
  unless v.nil?
    found += 1
    sum += v
  end
end
puts "found #{found}, sum #{sum}"

i = 0
while i < n
  k = "key#{i}"
  m[k] = m[k] * 2
  i += 3
end

counts = {}
1_500_000.times do |j|
  w = "w#{j * 7 % 1009}"
  counts[w] = counts.fetch(w, 0) + 1
end

total = 0
entries = 0
m.each do |_k, v|
  total += v
  entries += 1
end
max_count = 0
words = 0
counts.each do |_w, c|
  max_count = c if c > max_count
  words += 1
end
puts "entries #{entries}, total #{total}"
puts "words #{words}, max count #{max_count}"

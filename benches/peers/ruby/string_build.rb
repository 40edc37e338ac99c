# string_build: build a large string from many small pieces by concatenation
# and interpolation, join the lines, then split it up again and parse numbers
# out of it. Size: 250,000 lines of five numbers each (about 8 MB of text).
n = 250_000
lines = []
n.times do |i|
  line = "row #{i}:"
  (1...6).each { |j| line += " " + (i * j % 997).to_s }
  lines << line
end
text = lines.join("\n")
puts "length #{text.length}"

sum = 0
rows = 0
text.split("\n", -1).each do |l|
  fields = l.split(" ", -1)
  sum += fields[fields.length - 1].to_i
  rows += 1
end
puts "rows #{rows}, sum of last fields #{sum}"
puts "sevens #{text.split("7", -1).length - 1}"

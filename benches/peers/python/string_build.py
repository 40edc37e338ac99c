# string_build: build a large string from many small pieces by concatenation
# and formatting, join the lines, then split it up again and parse numbers out
# of it. Size: 250,000 lines of five numbers each (about 8 MB of text).


def main():
    n = 250000
    lines = []
    for i in range(n):
        line = f"row {i}:"
        for j in range(1, 6):
            line += " " + str(i * j % 997)
        lines.append(line)
    text = "\n".join(lines)
    print(f"length {len(text)}")

    total = 0
    rows = 0
    for line in text.split("\n"):
        fields = line.split(" ")
        total += int(fields[len(fields) - 1])
        rows += 1
    print(f"rows {rows}, sum of last fields {total}")
    print(f"sevens {len(text.split('7')) - 1}")


main()

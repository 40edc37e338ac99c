# map_string: a dict keyed by strings: insert many distinct keys, look up hits
# and misses, update values in place, count word frequencies, iterate.
# Size: 300,000 distinct keys, 600,000 lookups, 1,500,000 counter updates.


def main():
    n = 300000
    m = {}
    for i in range(n):
        m[f"key{i}"] = i

    found = 0
    total = 0
    for i in range(2 * n):
        v = m.get(f"key{i}")
        if v is not None:
            found += 1
            total += v
    print(f"found {found}, sum {total}")

    i = 0
    while i < n:
        k = f"key{i}"
        m[k] = m[k] * 2
        i += 3

    counts = {}
    for j in range(1500000):
        w = f"w{j * 7 % 1009}"
        counts[w] = counts.get(w, 0) + 1

    total = 0
    entries = 0
    for k, v in m.items():
        total += v
        entries += 1
    max_count = 0
    words = 0
    for w, c in counts.items():
        if c > max_count:
            max_count = c
        words += 1
    print(f"entries {entries}, total {total}")
    print(f"words {words}, max count {max_count}")


main()

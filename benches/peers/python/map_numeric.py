# map_numeric: a dict keyed by ints: insert many sparse keys, look up hits and
# misses, update values in place, remove keys, count into a small histogram,
# iterate. Size: 400,000 keys, 1,200,000 lookups, 2,000,000 counter updates.


def main():
    n = 400000
    m = {}
    for i in range(n):
        m[i * 7] = i

    found = 0
    total = 0
    for i in range(3 * n):
        v = m.get(i * 3)
        if v is not None:
            found += 1
            total += v
    print(f"found {found}, sum {total}")

    i = 0
    while i < n:
        k = i * 7
        m[k] = m[k] * 3 + 1
        i += 2
    i = 0
    while i < n:
        del m[i * 7]
        i += 5

    counts = {}
    for j in range(2000000):
        b = j * j % 1021
        counts[b] = counts.get(b, 0) + 1

    total = 0
    keysum = 0
    entries = 0
    for k, v in m.items():
        total += v
        keysum += k
        entries += 1
    max_count = 0
    buckets = 0
    for b, c in counts.items():
        if c > max_count:
            max_count = c
        buckets += 1
    print(f"entries {entries}, total {total}, key sum {keysum}")
    print(f"buckets {buckets}, max count {max_count}")


main()

# closures: create and call many closures with captured state: adders,
# counters with mutable captured variables, composition, closures capturing
# loop variables, and a higher-order driver loop. Same sizes as the Cairn program.


def make_adder(n):
    return lambda x: x + n


def make_counter():
    count = 0

    def counter():
        nonlocal count
        count += 1
        return count

    return counter


def compose(f, g):
    return lambda x: f(g(x))


def apply_n(f, n, x):
    acc = x
    for i in range(n):
        acc = f(acc)
    return acc


def main():
    n = 600000
    total = 0
    ticks = make_counter()
    for i in range(n):
        add = make_adder(i % 1000)
        twice = compose(add, add)
        c = make_counter()
        c()
        total += twice(i) % 1000 + c()
        ticks()
    print("total %d, ticks %d" % (total, ticks()))

    step = make_adder(3)
    print("apply_n %d" % apply_n(compose(step, make_adder(-2)), 6000000, 0))

    fns = []
    for i in range(100000):
        fns.append((lambda i: lambda: i * 2)(i))
    s = 0
    for f in fns:
        s += f()
    print("loop closures %d" % s)


main()

# spectral_norm: the Benchmarks Game spectral-norm algorithm (nested loops,
# float arithmetic, list indexing, small function calls). Size: n = 500.
import math


def a(i, j):
    ij = i + j
    return 1.0 / (ij * (ij + 1) // 2 + i + 1)


def mul_av(n, v, av):
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += a(i, j) * v[j]
        av[i] = s


def mul_atv(n, v, atv):
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += a(j, i) * v[j]
        atv[i] = s


def mul_atav(n, v, atav, tmp):
    mul_av(n, v, tmp)
    mul_atv(n, tmp, atav)


def fmt9(x):
    r = round(x * 1e9)
    sign = "-" if r < 0 else ""
    an = abs(r)
    return "%s%d.%09d" % (sign, an // 1000000000, an % 1000000000)


def main():
    n = 500
    u = [1.0] * n
    v = [0.0] * n
    tmp = [0.0] * n
    for i in range(10):
        mul_atav(n, u, v, tmp)
        mul_atav(n, v, u, tmp)
    vbv = vv = 0.0
    for i in range(n):
        vbv += u[i] * v[i]
        vv += v[i] * v[i]
    print(fmt9(math.sqrt(vbv / vv)))


main()

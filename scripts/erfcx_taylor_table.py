#!/usr/bin/env python3
"""Writes the coefficient table of md.forcefields.classical.FastErfc (the Java source block between the
BEGIN/END markers): Taylor coefficients of erfcx(x) = exp(x^2) erfc(x) about the midpoints of
[k/8, (k+1)/8), k = 0..31, to degree 12, computed in 60-digit arithmetic (mpmath) from
    c_0 = erfcx(x0), c_1 = 2 x0 c_0 - 2/sqrt(pi), (n+1) c_{n+1} = 2 x0 c_n + 2 c_{n-1},
the recurrence of erfcx' = 2x erfcx - 2/sqrt(pi) (DLMF 7.10 and 7.2.3). With |x - x0| <= 1/16 the truncation
error is below 4e-18 relative (printed). Usage: /usr/bin/python3 scripts/erfcx_taylor_table.py
"""
import mpmath as mp

mp.mp.dps = 60
INTERVALS, WIDTH, DEGREE = 32, mp.mpf(1) / 8, 12


def taylor(x0, n):
    c = [mp.erfc(x0) * mp.exp(x0 * x0), None]
    c[1] = 2 * x0 * c[0] - 2 / mp.sqrt(mp.pi)
    for k in range(1, n):
        c.append((2 * x0 * c[k] + 2 * c[k - 1]) / (k + 1))
    return c


worst = 0
print("    // BEGIN table (scripts/erfcx_taylor_table.py)")
print("    private static final double[] TAYLOR = {")
for k in range(INTERVALS):
    x0 = (k + mp.mpf(1) / 2) * WIDTH
    c = taylor(x0, DEGREE + 3)
    tail = sum(abs(c[j]) * (WIDTH / 2) ** j for j in range(DEGREE + 1, DEGREE + 3)) / c[0]
    worst = max(worst, tail)
    print("            " + ", ".join(repr(float(v)) for v in c[:DEGREE + 1]) + ",")
print("    };")
print("    // END table")
print(f"    // largest truncation error (relative): {mp.nstr(worst, 3)}")

"""The pandas `describe()` statistics that the test `describe_matches_pandas_to_the_bit`
(`src/eda/mod.rs`) holds as literals, for a column both sides build with the same IEEE
arithmetic: x_i = ±(i*i % 1013) / 3 * 10**(i % 11) (negative where i % 3 == 0), a gap where
i % 13 == 0, 1000 rows. Also the numpy percentiles of the pair the interpolation test uses.

    python compare/python/describe_parity.py
"""
import math

import numpy as np
import pandas as pd

values = [
    math.nan if i % 13 == 0 else (1 - 2 * (i % 3 == 0)) * (i * i % 1013) / 3.0 * 10.0 ** (i % 11)
    for i in range(1000)
]
d = pd.Series(values).describe()
for name in ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]:
    print(f"{name:>5} {float(d[name])!r}")
# Summed in sorted order (as the crate did before) the mean and std differ in the last bits.
present = sorted(v for v in values if not math.isnan(v))
mean = sum(present) / len(present)
std = math.sqrt(sum((mean - v) ** 2 for v in present) / (len(present) - 1))
print("sorted order:", repr(mean), repr(std))
pair = [0.2, 0.9]
for q in (10, 75, 90):
    print(f"percentile {pair} {q}: {float(np.percentile(pair, q))!r}")

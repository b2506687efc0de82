"""The mixed table the own-data tests, the notebook and compare/own_data.sh use: numbers,
text and booleans with gaps, made by formula (no random generator), so that Rust
(tests/preprocess.rs, `mixed_csv`) and Python write the same bytes.

Row i:
  size   = 20 + (i*37 % 101) * 0.8                  (float, missing when i % 17 == 3)
  rooms  = 1 + i*11 % 5                              (integer, missing when i % 19 == 2)
  city   = CITIES[i*7 % 5]                           (text, missing when i % 13 == 5)
  garden = i % 3 == 0                                (boolean)
  price  = 30 + 2.5*size + 8*rooms + EFFECT[city] + 12*garden + 5*sin(i)   (3 decimals)
The target uses the values before the gaps are cut, so the gaps hide information, as in life.
"""

import math

CITIES = ["north", "east", "south", "west", "centre"]
EFFECT = {"north": 20.0, "east": 5.0, "south": -10.0, "west": 0.0, "centre": 35.0}


def fmt(x):
    return f"{x:.1f}"


def mixed_csv(n):
    lines = ["size,rooms,city,garden,price"]
    for i in range(n):
        size = 20 + (i * 37 % 101) * 0.8
        rooms = 1 + i * 11 % 5
        city = CITIES[i * 7 % 5]
        garden = i % 3 == 0
        price = 30 + 2.5 * size + 8 * rooms + EFFECT[city] + 12 * garden + 5 * math.sin(i)
        cells = [
            "" if i % 17 == 3 else fmt(size),
            "" if i % 19 == 2 else str(rooms),
            "" if i % 13 == 5 else city,
            "True" if garden else "False",
            f"{price:.3f}",
        ]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(mixed_csv(int(sys.argv[1]) if len(sys.argv) > 1 else 200))

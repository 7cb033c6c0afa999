"""Generate Tests/Fixtures/data/mixture-800.csv, the two-group 1-D mixture sample.

Run from the repository root:  python3 scripts/make_mixture_data.py

Rows follow the tutorial's recipe:
    np.random.seed(0)
    X1 = np.random.normal(2, 1, 200)     # group 1
    X2 = np.random.normal(-1, 0.8, 600)  # group 2
Each x is written with repr(float(x)) (shortest round-trip representation).
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "data" / "mixture-800.csv"


def main() -> None:
    np.random.seed(0)
    x1 = np.random.normal(2, 1, 200)
    x2 = np.random.normal(-1, 0.8, 600)
    lines = ["x,group"]
    lines += [f"{float(x)!r},1" for x in x1]
    lines += [f"{float(x)!r},2" for x in x2]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(x1) + len(x2)} rows)")


if __name__ == "__main__":
    main()

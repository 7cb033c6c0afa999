"""Generate Tests/Fixtures/data/blobs-3d.csv, a 600-row 3-D sample from three Gaussian groups
with clearly different covariance shapes (used by scripts/make_multivariate_reference.py).

Run from anywhere:  python3 scripts/make_multivariate_data.py

Deterministic: numpy's default_rng(SEED) draws, in this order, 200 rows of each group
(rng.multivariate_normal(mean, cov, 200)), then one rng.permutation of the 600 rows so the
groups are interleaved. Header x1,x2,x3; each value written with repr(float(v)), the
shortest string that reads back as the same double, so the file is exact.

The groups (mean; covariance):
  elongated  (0, 0, 0);   R · diag(9, 0.25, 0.5) · Rᵀ, R = rotation by 35° about x3 then 25° about x1
  round      (9, 3, -4);  identity
  flat       (-5, 8, 5);  diag(4, 2.25, 0.04)  (a pancake, thin along x3)
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "data" / "blobs-3d.csv"
SEED = 20260101
ROWS_PER_GROUP = 200


def rotation() -> np.ndarray:
    a, b = np.radians(35.0), np.radians(25.0)
    rz = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0.0, 0.0, 1.0]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(b), -np.sin(b)], [0.0, np.sin(b), np.cos(b)]])
    return rx @ rz


def groups():
    r = rotation()
    return [
        (np.array([0.0, 0.0, 0.0]), r @ np.diag([9.0, 0.25, 0.5]) @ r.T),
        (np.array([9.0, 3.0, -4.0]), np.eye(3)),
        (np.array([-5.0, 8.0, 5.0]), np.diag([4.0, 2.25, 0.04])),
    ]


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = np.vstack([rng.multivariate_normal(mean, cov, ROWS_PER_GROUP) for mean, cov in groups()])
    rows = rows[rng.permutation(len(rows))]
    lines = ["x1,x2,x3"] + [",".join(repr(float(v)) for v in row) for row in rows]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()

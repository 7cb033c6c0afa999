"""Generate Tests/Fixtures/numpy-rng.json: numpy's legacy RandomState draws, the reference
for MixtureModels' NumpyRandomState (bit for bit).

Run from anywhere:  python3 scripts/make_numpy_rng_reference.py

For each seed, np.random.seed(seed) and then, in order, np.random.normal(mean, sd, count) for
each group of GROUPS (odd counts, so the polar method's cached value crosses groups), plus the
first 8 raw 32-bit outputs and the first 4 random_sample() values of a fresh seeding.
Values are written with repr (shortest round-trip), so they are exact.
"""
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "numpy-rng.json"
SEEDS = [0, 1, 42, 4294967295]
GROUPS = [(2.0, 1.0, 5), (-1.0, 0.8, 7), (0.0, 3.0, 4), (10.0, 0.001, 3)]


def main():
    cases = []
    for seed in SEEDS:
        # The raw MT19937 outputs after np.random.seed(seed)'s seeding (init_genrand).
        bit = np.random.MT19937()
        bit._legacy_seeding(seed)
        raw = [int(v) for v in bit.random_raw(8)]
        uniforms = [float(v) for v in np.random.RandomState(seed).random_sample(4)]
        np.random.seed(seed)
        groups = [[float(v) for v in np.random.normal(mean, sd, count)] for mean, sd, count in GROUPS]
        cases.append({"seed": seed, "raw": raw, "uniforms": [repr(u) for u in uniforms],
                      "groups": [[repr(v) for v in g] for g in groups]})
    # The tutorial's experiment (examples/article-numpy.json): seed 0, its two groups.
    np.random.seed(0)
    article = [repr(float(v)) for v in np.random.normal(2, 1, 200)] + [repr(float(v)) for v in np.random.normal(-1, 0.8, 600)]
    OUT.write_text(json.dumps({
        "article": {"seed": 0, "groups": [{"mean": 2, "sd": 1, "count": 200}, {"mean": -1, "sd": 0.8, "count": 600}],
                    "values": article},
        "generator": "scripts/make_numpy_rng_reference.py",
        "regenerate": "python3 scripts/make_numpy_rng_reference.py",
        "numpy": np.__version__,
        "groups": [{"mean": m, "sd": s, "count": c} for m, s, c in GROUPS],
        "cases": cases,
    }, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

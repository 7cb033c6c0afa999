"""Generate Tests/Fixtures/reference.json, the numeric reference for the Swift tests.

Run from the repository root:  python3 scripts/make_reference.py
(Tests/Fixtures/data/mixture-800.csv comes from scripts/make_mixture_data.py.)

Sections of the output:
  "em"             1-D Gaussian-mixture EM runs with fixed, explicit starting values.
                   EM is implemented here independently in numpy (log space) and
                   cross-checked against sklearn.mixture.GaussianMixture.
  "kde"            scipy.stats.gaussian_kde densities on a grid and at the sorted data,
                   with seaborn's bandwidth semantics (rule, adjust, cut).
  "bandwidthRules" scipy's Scott and Silverman factors for several sample sizes.

The script is deterministic: no random numbers are drawn.
"""
import csv
import json
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.special import logsumexp
from scipy.stats import gaussian_kde, norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "Tests" / "Fixtures" / "data"
OUT = ROOT / "Tests" / "Fixtures" / "reference.json"
TOL = 1e-8  # max relative disagreement allowed between our EM and sklearn's


def load_column(file: str, column: str) -> np.ndarray:
    """Read one numeric column (by header name; quotes allowed) from a CSV file."""
    with open(DATA / file, newline="") as f:
        return np.array([float(row[column]) for row in csv.DictReader(f)])


def floats(a) -> list:
    return [float(v) for v in np.asarray(a).ravel()]


# ---------------------------------------------------------------- EM ----

def log_joint(x, w, m, s):
    """log p_k(x_i) = log w_k + log N(x_i | m_k, s_k), shape (n, K)."""
    return np.log(w)[None, :] + norm.logpdf(x[:, None], m[None, :], s[None, :])


def log_likelihood(x, w, m, s) -> float:
    return float(logsumexp(log_joint(x, w, m, s), axis=1).sum())


def em_step(x, w, m, s, reg):
    """One E-step + M-step; returns the new (weights, means, sds)."""
    lp = log_joint(x, w, m, s)
    r = np.exp(lp - logsumexp(lp, axis=1, keepdims=True))
    nk = r.sum(axis=0)
    m_new = (r * x[:, None]).sum(axis=0) / nk
    var = (r * (x[:, None] - m_new[None, :]) ** 2).sum(axis=0) / nk + reg
    return nk / len(x), m_new, np.sqrt(var)


def run_em(x, init, epochs, reg):
    w, m, s = (np.asarray(init[k], dtype=float) for k in ("weights", "means", "sds"))
    initial = log_likelihood(x, w, m, s)
    lls = []
    for _ in range(epochs):
        w, m, s = em_step(x, w, m, s, reg)
        lls.append(log_likelihood(x, w, m, s))
    return initial, lls, (w, m, s)


def max_rel_diff(a, b) -> float:
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    return float(np.max(np.abs(a - b) / np.abs(b)))


def sklearn_check(x, init, epochs, reg, initial, lls, final):
    w0, m0, s0 = (np.asarray(init[k], dtype=float) for k in ("weights", "means", "sds"))
    gm = GaussianMixture(n_components=len(w0), covariance_type="full", tol=0,
                         max_iter=epochs, reg_covar=reg, weights_init=w0,
                         means_init=m0.reshape(-1, 1),
                         precisions_init=(1 / s0**2).reshape(-1, 1, 1),
                         init_params="random", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x.reshape(-1, 1))
    w, m, s = final
    params = max(max_rel_diff(w, gm.weights_), max_rel_diff(m, gm.means_),
                 max_rel_diff(s**2, gm.covariances_))
    # sklearn's lower_bounds_[i] is the mean log-likelihood before iteration i's M-step.
    expected_lb = np.array([initial] + lls[:-1]) / len(x)
    bounds = max_rel_diff(expected_lb, gm.lower_bounds_)
    return {"maxRelDiffParams": params, "maxRelDiffLowerBounds": bounds}


def mixture_tutorial_init():
    """The tutorial's start: per-group weight, mean and sd (ddof=0); group 1 first."""
    with open(DATA / "mixture-800.csv", newline="") as f:
        rows = [(float(r["x"]), int(r["group"])) for r in csv.DictReader(f)]
    groups = [np.array([v for v, g in rows if g == k]) for k in (1, 2)]
    n = sum(len(g) for g in groups)
    return {"weights": [len(g) / n for g in groups],
            "means": [float(np.mean(g)) for g in groups],
            "sds": [float(np.std(g)) for g in groups]}


EM_CASES = [
    ("mixture800-k2-tutorial", "mixture-800.csv", "x", 20, 0.0, mixture_tutorial_init()),
    ("mixture800-k3", "mixture-800.csv", "x", 50, 0.0,
     {"weights": [0.3, 0.4, 0.3], "means": [-2.0, 0.0, 2.5], "sds": [1.0, 1.0, 1.0]}),
    ("galaxies-k2", "galaxies.csv", "velocity", 100, 0.0,
     {"weights": [0.5, 0.5], "means": [10000.0, 22000.0], "sds": [3000.0, 3000.0]}),
    ("galaxies-k3-reg", "galaxies.csv", "velocity", 200, 1e-6,
     {"weights": [0.1, 0.8, 0.1], "means": [10000.0, 21000.0, 32000.0],
      "sds": [2000.0, 2000.0, 2000.0]}),
    # (A start near 16000 makes one component latch onto two points, sd ~43: avoided.)
    ("galaxies-k5", "galaxies.csv", "velocity", 100, 0.0,
     {"weights": [0.1, 0.3, 0.3, 0.2, 0.1],
      "means": [9700.0, 19000.0, 21000.0, 23000.0, 33000.0],
      "sds": [1000.0, 2000.0, 2000.0, 2000.0, 1000.0]}),
    ("iris-petal-length-k2", "iris.csv", "Petal.Length", 100, 0.0,
     {"weights": [0.5, 0.5], "means": [1.5, 5.0], "sds": [0.5, 1.0]}),
    ("iris-petal-length-k3-reg", "iris.csv", "Petal.Length", 60, 1e-6,
     {"weights": [1 / 3, 1 / 3, 1 / 3], "means": [1.5, 4.3, 5.5], "sds": [0.3, 0.5, 0.5]}),
]


def em_section():
    cases = []
    for name, file, column, epochs, reg, init in EM_CASES:
        x = load_column(file, column)
        initial, lls, final = run_em(x, init, epochs, reg)
        w, m, s = final
        # Sanity: EM never decreases the likelihood, and no component collapsed.
        steps = np.diff([initial] + lls)
        assert np.all(steps >= -1e-9 * abs(initial)), f"{name}: likelihood decreased"
        assert np.all(s > 1e-3 * x.std()), f"{name}: a component collapsed"
        check = sklearn_check(x, init, epochs, reg, initial, lls, final)
        print(f"em {name}: L0={initial:.6f} L={lls[-1]:.6f} sklearn={check}")
        assert check["maxRelDiffParams"] < TOL and check["maxRelDiffLowerBounds"] < TOL, name
        cases.append({
            "name": name, "data": file, "column": column, "components": len(init["weights"]),
            "epochs": epochs, "regularization": reg,
            "init": {k: floats(init[k]) for k in ("weights", "means", "sds")},
            "initialLogLikelihood": initial, "logLikelihoods": lls,
            "final": {"weights": floats(w), "means": floats(m), "sds": floats(s)},
            "sklearnCheck": check,
        })
    return cases


# --------------------------------------------------------------- KDE ----

KDE_CASES = [
    ("mixture800-scott", "mixture-800.csv", "x", "scott", 1.0, 200),
    ("mixture800-silverman-half", "mixture-800.csv", "x", "silverman", 0.5, 200),
    ("galaxies-scott", "galaxies.csv", "velocity", "scott", 1.0, 200),
    ("galaxies-silverman-double", "galaxies.csv", "velocity", "silverman", 2.0, 100),
    ("iris-petal-length-h0.3", "iris.csv", "Petal.Length", 0.3, 1.0, 150),
]
CUT = 3


def kde_section():
    cases = []
    for name, file, column, rule, adjust, size in KDE_CASES:
        x = load_column(file, column)
        # A numeric rule is an absolute bandwidth; scipy wants a factor of the data sd.
        bw_method = rule if isinstance(rule, str) else rule / x.std(ddof=1)
        kde = gaussian_kde(x, bw_method=bw_method)
        kde.set_bandwidth(kde.factor * adjust)
        h = float(np.sqrt(kde.covariance.squeeze()))
        grid = np.linspace(x.min() - CUT * h, x.max() + CUT * h, size)
        points = np.sort(x)
        print(f"kde {name}: factor={kde.factor:.6f} h={h:.6f}")
        cases.append({
            "name": name, "data": file, "column": column, "rule": rule, "adjust": adjust,
            "factor": float(kde.factor), "bandwidth": h, "cut": CUT, "gridSize": size,
            "gridMin": float(grid[0]), "gridMax": float(grid[-1]),
            "grid": floats(grid), "density": floats(kde(grid)),
            "points": floats(points), "pointDensity": floats(kde(points)),
        })
    return cases


def bandwidth_rules():
    rules = []
    for n in [2, 3, 10, 82, 800, 10000]:
        kde = gaussian_kde(np.arange(n, dtype=float))
        rules.append({"n": n, "scott": float(kde.scotts_factor()),
                      "silverman": float(kde.silverman_factor())})
    return rules


def main() -> None:
    reference = {
        "_comment": ("Generated by `python3 scripts/make_reference.py` (run from the repo root) "
                     f"with numpy {np.__version__}, scipy {scipy.__version__}, "
                     f"scikit-learn {sklearn.__version__}. Do not edit by hand."),
        "em": em_section(),
        "kde": kde_section(),
        "bandwidthRules": bandwidth_rules(),
    }
    with open(OUT, "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Generate the d-dimensional reference fixtures:

  Tests/Fixtures/sklearn-em-multivariate.json        scikit-learn's own EM from explicit starts
  Tests/Fixtures/sklearn-selection-multivariate.json scikit-learn's model selection on iris (4-D)
  Tests/Fixtures/scipy-kde-multivariate.json         scipy.stats.gaussian_kde densities

Run from anywhere:  python3 scripts/make_multivariate_reference.py                (all three)
                    python3 scripts/make_multivariate_reference.py em             (one of them)
                    python3 scripts/make_multivariate_reference.py selection
                    python3 scripts/make_multivariate_reference.py kde
The data are Tests/Fixtures/data/iris.csv and Tests/Fixtures/data/blobs-3d.csv (made by
scripts/make_multivariate_data.py). Every float is written by json (repr: the shortest
string that reads back as the same double).

EM (`em_main`). For every case, sklearn.mixture.GaussianMixture(n_components=K,
covariance_type=type, tol=0 (so exactly max_iter=E iterations run), n_init=1, reg_covar=r,
weights_init, means_init, precisions_init = the inverse of the start covariances in the
type's shape, random_state=0) is fitted. The start is a deterministic function of the data:
means at the rows whose rank by the first column (stable sort) is floor((j+0.5)·n/K);
covariances = the data covariance (ddof=0) restricted to the type's shape (full: the matrix,
tied: the matrix once, diag: its diagonal, spherical: the mean of its diagonal), scaled by
1 ("equal" style, with equal weights) or by 0.5…1.2 linearly over the components ("unequal",
weights ∝ j+1; tied: one scale 0.8). The fixture records the start, sklearn's lower_bounds_,
score(X)·n at the fitted parameters and weights_, means_, covariances_ (sklearn's shapes:
full K×d×d, tied d×d, diag K×d, spherical K).

  The shift: sklearn's lower_bounds_[i] (0-based) is computed by iteration i+1's E-step, at
  the parameters *before* that iteration's M-step. So with our epochs numbered from 1 (epoch
  e = the parameters after e M-steps), our epoch e's total log-likelihood equals
  n·lower_bounds_[e] for e = 1 … E−1, the start's equals n·lower_bounds_[0], and the final
  (epoch E) one equals final_log_likelihood.

  Conditioning check: each case is also run by an independent plain implementation of the
  same EM in np.longdouble (Cholesky, forward substitution and log-sum-exp by hand; sklearn's
  nk += 10·eps; weights nk/Σnk; full covariance Σ_i r_ik (x_i−μ_k)(x_i−μ_k)ᵀ / N_k + reg·I,
  tied Σ_k Σ_i r_ik (x_i−μ_k)(x_i−μ_k)ᵀ / n + reg·I, diag Σ_i r_ik (x_ij−μ_kj)² / N_k + reg
  per coordinate, spherical the mean over coordinates of the diag variance + reg), started
  from the recorded start covariances. A case is refused (skipped, with the reason printed)
  when sklearn and it differ by more than COND_TOL relative on any lower bound, the final
  log-likelihood or any final parameter, when a component's weight·n falls below 1 at any
  iteration, or when a component collapses (a Cholesky pivot L_jj² of its covariance less
  reg_covar falls below COLLAPSE_REL × column j's variance). Each (type, d, K) cell lists
  variants in order; the first well-conditioned one is written.

Selection (`selection_main`). iris, all 4 measurement columns; for K = 1…6 and each type,
GaussianMixture(n_components=K, covariance_type=type, **SELECTION_SETTINGS) (sklearn's
k-means++ initialisation, best of n_init=30, tol=1e-8 — tighter than the default 1e-3 —,
max_iter=1000, reg_covar=1e-6, random_state=0). Recorded: log_likelihood = score(X)·n, bic(X),
aic(X), parameters = _n_parameters(), n_iter_, converged_, weights_/means_/covariances_ with
the components sorted by the first coordinate of the mean, and "sound" under the collapse rule:
no component with weight·n < 1, and for every component the spread (covariance with reg_covar
subtracted from the diagonal) has every Cholesky pivot L_jj² (full, tied), diagonal entry
(diag) or variance (spherical) above floor_j = max(reg_covar, 1e-12·var_j), var_j = column
j's variance (ddof 0; spherical: the mean of the column variances). "choice" is the lowest
BIC among sound fits (tie: fewer parameters, then smaller K).

KDE (`kde_main`). scipy.stats.gaussian_kde(data.T, bw_method) for each dataset × bw_method
in ("scott", "silverman", 0.3 — a number is used as the factor itself); recorded: factor,
covariance (= data covariance ddof=1 × factor²) and the density kde(points) at a 5^d (d=2)
or 3^d (d=3) grid along the data's principal axes (±2 sd, see `kde_points`), three data rows
and two points outside the data. For d = 2 Scott's and Silverman's factors coincide
(n^(-1/6) both); d = 3 tells them apart. Conditioning check: the density and covariance
recomputed in np.longdouble must agree to COND_TOL, and every density exceeds DENSITY_FLOOR.

The script is deterministic; it prints a line per case and a summary.
"""
import csv
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.stats import gaussian_kde
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "Tests" / "Fixtures" / "data"
EM_OUT = ROOT / "Tests" / "Fixtures" / "sklearn-em-multivariate.json"
SELECTION_OUT = ROOT / "Tests" / "Fixtures" / "sklearn-selection-multivariate.json"
KDE_OUT = ROOT / "Tests" / "Fixtures" / "scipy-kde-multivariate.json"
REGENERATE = "python3 scripts/make_multivariate_reference.py"
COND_TOL = 1e-11      # max relative disagreement allowed between sklearn/scipy and extended precision
COLLAPSE_REL = 1e-8   # an EM case whose spread pivot falls below this × column variance is refused
LD = np.longdouble

DATASETS = {
    "iris": "iris.csv",
    "blobs3d": "blobs-3d.csv",
}
IRIS2 = ("iris", ["Petal.Length", "Petal.Width"])
IRIS3 = ("iris", ["Sepal.Length", "Petal.Length", "Petal.Width"])
IRIS4 = ("iris", ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"])
BLOBS2 = ("blobs3d", ["x1", "x2"])
BLOBS3 = ("blobs3d", ["x1", "x2", "x3"])
TYPES = ["full", "tied", "diag", "spherical"]


def load(dataset: str, columns: list) -> np.ndarray:
    """Numeric columns (by header name; quoted headers allowed) of a CSV file, n×d."""
    with open(DATA / DATASETS[dataset], newline="") as f:
        return np.array([[float(row[c]) for c in columns] for row in csv.DictReader(f)])


def nested(a):
    """A numpy array as nested lists of Python floats."""
    a = np.asarray(a, dtype=np.float64)
    return float(a) if a.ndim == 0 else [nested(v) for v in a]


def max_rel(a, b) -> float:
    a = np.asarray(a, dtype=LD).ravel()
    b = np.asarray(b, dtype=LD).ravel()
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1), 0)
    return float(np.max(rel))


# ---------------------------------------------------------------- extended-precision linear algebra

def cholesky(a):
    """Lower Cholesky factor of a small symmetric matrix, by hand (works in np.longdouble);
    None if a pivot is not positive."""
    a = np.asarray(a)
    d = a.shape[0]
    low = np.zeros_like(a)
    for j in range(d):
        s = a[j, j] - sum((low[j, m] ** 2 for m in range(j)), start=a.dtype.type(0))
        if not s > 0:
            return None
        low[j, j] = np.sqrt(s)
        for i in range(j + 1, d):
            t = a[i, j] - sum((low[i, m] * low[j, m] for m in range(j)), start=a.dtype.type(0))
            low[i, j] = t / low[j, j]
    return low


def pivots(a):
    """The Cholesky pivots L_jj² of a symmetric matrix (computed as far as they are positive;
    the first non-positive one ends the list with its value)."""
    a = np.asarray(a, dtype=LD)
    d = a.shape[0]
    low = np.zeros_like(a)
    out = []
    for j in range(d):
        s = a[j, j] - sum((low[j, m] ** 2 for m in range(j)), start=LD(0))
        out.append(s)
        if not s > 0:
            return out
        low[j, j] = np.sqrt(s)
        for i in range(j + 1, d):
            t = a[i, j] - sum((low[i, m] * low[j, m] for m in range(j)), start=LD(0))
            low[i, j] = t / low[j, j]
    return out


def log_gaussian(x, mean, cov):
    """log N(x_i; mean, cov) for every row of x, in the dtype of x (longdouble)."""
    n, d = x.shape
    low = cholesky(cov)
    if low is None:
        raise FloatingPointError("covariance not positive definite")
    diff = x - mean[None, :]
    z = np.zeros_like(diff)
    for j in range(d):
        acc = diff[:, j].copy()
        for m in range(j):
            acc -= z[:, m] * low[j, m]
        z[:, j] = acc / low[j, j]
    maha = (z * z).sum(axis=1)
    log_det = 2 * sum((np.log(low[j, j]) for j in range(d)), start=LD(0))
    return -(d * np.log(2 * LD(np.pi)) + log_det + maha) / 2


def log_sum_exp_rows(a):
    top = a.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=1, keepdims=True)))[:, 0]


# ---------------------------------------------------------------- covariance shapes

def full_matrices(cov, ctype: str, k: int, d: int):
    """The K d×d matrices of a covariance in sklearn's shape for the type."""
    cov = np.asarray(cov)
    if ctype == "full":
        return [cov[j] for j in range(k)]
    if ctype == "tied":
        return [cov for _ in range(k)]
    if ctype == "diag":
        return [np.diag(cov[j]) for j in range(k)]
    if ctype == "spherical":
        return [np.eye(d, dtype=cov.dtype) * cov[j] for j in range(k)]
    raise ValueError(ctype)


def precisions_of(cov, ctype: str):
    """sklearn's precisions_init for a covariance in the type's shape."""
    cov = np.asarray(cov, dtype=np.float64)
    if ctype == "full":
        return np.array([np.linalg.inv(c) for c in cov])
    if ctype == "tied":
        return np.linalg.inv(cov)
    return 1.0 / cov  # diag (K×d) and spherical (K)


# ---------------------------------------------------------------- EM

def start_for(x: np.ndarray, k: int, ctype: str, style: str) -> dict:
    n, d = x.shape
    order = np.argsort(x[:, 0], kind="stable")
    means = x[order[[int(np.floor((j + 0.5) * n / k)) for j in range(k)]]]
    data_cov = np.cov(x, rowvar=False, ddof=0)
    if style == "equal":
        weights = np.full(k, 1.0 / k)
        scales = np.ones(k)
    elif style == "unequal":
        weights = np.arange(1, k + 1, dtype=float)
        weights /= weights.sum()
        scales = np.linspace(0.5, 1.2, k)
    else:
        raise ValueError(style)
    if ctype == "full":
        covs = np.array([s * data_cov for s in scales])
    elif ctype == "tied":
        covs = data_cov * (1.0 if style == "equal" else 0.8)
    elif ctype == "diag":
        covs = np.array([s * np.diag(data_cov) for s in scales])
    elif ctype == "spherical":
        covs = scales * float(np.mean(np.diag(data_cov)))
    else:
        raise ValueError(ctype)
    return {"weights": weights, "means": means, "covariances": covs}


def sklearn_fit(x, ctype, start, iterations, reg) -> GaussianMixture:
    gm = GaussianMixture(
        n_components=len(start["weights"]),
        covariance_type=ctype,
        tol=0.0,
        reg_covar=reg,
        max_iter=iterations,
        n_init=1,
        init_params="random",  # its responsibilities are discarded: all three inits are given
        random_state=0,
        weights_init=start["weights"],
        means_init=start["means"],
        precisions_init=precisions_of(start["covariances"], ctype),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    return gm


def extended_em(x, ctype, start, iterations, reg):
    """The same EM in np.longdouble. Returns (mean log-likelihoods before each M-step,
    mean log-likelihood at the final parameters, weights, means, covariances in the type's
    shape, smallest weight·n seen, smallest spread-pivot/column-variance ratio seen)."""
    x = x.astype(LD)
    n, d = x.shape
    k = len(start["weights"])
    w = np.asarray(start["weights"], dtype=LD)
    m = np.asarray(start["means"], dtype=LD)
    cov = np.asarray(start["covariances"], dtype=LD)
    eps10 = LD(10) * LD(np.finfo(np.float64).eps)
    col_var = x.var(axis=0)
    bounds = []
    min_wn = np.inf
    min_pivot = np.inf

    def e_step():
        mats = full_matrices(cov, ctype, k, d)
        lp = np.stack([np.log(w[j]) + log_gaussian(x, m[j], mats[j]) for j in range(k)], axis=1)
        norm = log_sum_exp_rows(lp)
        return norm.sum() / n, np.exp(lp - norm[:, None])

    for _ in range(iterations):
        bound, r = e_step()
        bounds.append(bound)
        nk = r.sum(axis=0) + eps10
        m = (r.T @ x) / nk[:, None]
        scatter = []
        for j in range(k):
            diff = x - m[j][None, :]
            scatter.append((r[:, j][:, None] * diff).T @ diff)
        if ctype == "full":
            cov = np.array([scatter[j] / nk[j] + reg * np.eye(d, dtype=LD) for j in range(k)])
        elif ctype == "tied":
            cov = sum(scatter[1:], start=scatter[0]) / n + reg * np.eye(d, dtype=LD)
        elif ctype == "diag":
            cov = np.array([np.diag(scatter[j]) / nk[j] + reg for j in range(k)])
        elif ctype == "spherical":
            cov = np.array([np.mean(np.diag(scatter[j]) / nk[j]) + reg for j in range(k)])
        w = nk / n
        w = w / w.sum()
        min_wn = min(min_wn, float(np.min(w) * n))
        for mat in full_matrices(cov, ctype, k, d):
            p = pivots(mat - reg * np.eye(d, dtype=LD))
            min_pivot = min(min_pivot, float(min(p[j] / col_var[j] for j in range(len(p)))))
    final, _ = e_step()
    return bounds, final, w, m, cov, min_wn, min_pivot


def em_cells():
    """(type, d, K) cells, each with its variants (dataset, columns, iterations, reg, style) in
    order of preference. Datasets, reg and style alternate so every type meets every d, every K
    and both reg values."""
    cells = []
    for ti, ctype in enumerate(TYPES):
        for di, d in enumerate([2, 3, 4]):
            for ki, k in enumerate([2, 3, 5]):
                parity = (ti + di + ki) % 2
                reg = 0.0 if parity == 0 else 1e-6
                other_reg = 1e-6 if reg == 0.0 else 0.0
                style = "equal" if (ti + ki) % 2 == 0 else "unequal"
                other_style = "unequal" if style == "equal" else "equal"
                if d == 2:
                    data = [IRIS2, BLOBS2] if (ti + ki) % 2 == 0 else [BLOBS2, IRIS2]
                elif d == 3:
                    data = [BLOBS3, IRIS3] if (ti + ki) % 2 == 0 else [IRIS3, BLOBS3]
                else:
                    data = [IRIS4]
                iterations = {2: 40, 3: 30, 5: 25}[k]
                variants = []
                for dataset, columns in data:
                    for st in (style, other_style):
                        for rg in (reg, other_reg):
                            variants.append((dataset, columns, iterations, rg, st))
                cells.append((ctype, d, k, variants))
    return cells


def em_case(ctype, k, dataset, columns, iterations, reg, style):
    """(case dict or None, printed line)."""
    x = load(dataset, columns)
    n, d = x.shape
    name = f"{dataset}-d{d}-{ctype}-k{k}-{style}-" + ("reg0" if reg == 0 else "reg")
    start = start_for(x, k, ctype, style)
    try:
        gm = sklearn_fit(x, ctype, start, iterations, reg)
    except ValueError as error:  # sklearn refuses a covariance that is not positive definite
        return None, f"{name:40s} REFUSED: sklearn failed ({str(error).split('.')[0]})"
    bounds = np.asarray(gm.lower_bounds_)
    final_ll = float(gm.score(x) * n)
    assert len(bounds) == iterations and gm.n_iter_ == iterations, "tol=0 must run every iteration"
    assert np.all(np.isfinite(bounds)) and np.isfinite(final_ll)
    try:
        ext_bounds, ext_final, ext_w, ext_m, ext_cov, min_wn, min_pivot = extended_em(x, ctype, start, iterations, reg)
    except FloatingPointError as error:
        return None, f"{name:40s} REFUSED: extended precision failed ({error})"
    cond_ll = max(max_rel(bounds, ext_bounds), max_rel([final_ll / n], [ext_final]))
    cond_params = max(max_rel(gm.weights_, ext_w), max_rel(gm.means_, ext_m), max_rel(gm.covariances_, ext_cov))
    line = (f"{name:40s} n={n:3d} E={iterations:2d}  vs longdouble: logL {cond_ll:.1e}, params {cond_params:.1e}  "
            f"min w·n {min_wn:7.2f}  min pivot/var {min_pivot:.1e}")
    reasons = []
    if max(cond_ll, cond_params) > COND_TOL:
        reasons.append(f"ill-conditioned (sklearn vs longdouble {max(cond_ll, cond_params):.1e} > {COND_TOL:g})")
    if min_wn < 1:
        reasons.append(f"a component's weight·n fell to {min_wn:.3g} < 1")
    if not min_pivot > COLLAPSE_REL:
        reasons.append(f"a component collapsed (spread pivot/column variance {min_pivot:.1e})")
    if reasons:
        return None, line + "\n" + " " * 41 + "REFUSED: " + "; ".join(reasons)
    return {
        "name": name,
        "dataset": dataset,
        "file": DATASETS[dataset],
        "columns": columns,
        "covariance": ctype,
        "components": k,
        "iterations": iterations,
        "reg_covar": reg,
        "start": {key: nested(value) for key, value in start.items()},
        "lower_bounds": nested(bounds),
        "final_log_likelihood": final_ll,
        "weights": nested(gm.weights_),
        "means": nested(gm.means_),
        "covariances": nested(gm.covariances_),
    }, line


def em_main() -> None:
    cases = []
    for ctype, d, k, variants in em_cells():
        for dataset, columns, iterations, reg, style in variants:
            case, line = em_case(ctype, k, dataset, columns, iterations, reg, style)
            print(line)
            if case is not None:
                cases.append(case)
                break
        else:
            print(f"  cell ({ctype}, d={d}, K={k}): no well-conditioned variant")
    # coverage
    for ctype in TYPES:
        mine = [c for c in cases if c["covariance"] == ctype]
        ds = sorted({len(c["columns"]) for c in mine})
        ks = sorted({c["components"] for c in mine})
        regs = sorted({c["reg_covar"] for c in mine})
        print(f"{ctype:9s}: {len(mine)} cases, d {ds}, K {ks}, reg_covar {regs}")
    assert len(cases) >= 24
    document = {
        "generator": "scripts/make_multivariate_reference.py (em_main)",
        "regenerate": REGENERATE + " em",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "conditioning_tolerance": COND_TOL,
        "description": (
            "sklearn.mixture.GaussianMixture(n_components=K, covariance_type, tol=0, max_iter=iterations, n_init=1, "
            "reg_covar, weights_init, means_init, precisions_init=inverse of start.covariances, random_state=0). "
            "covariances in sklearn's shape for the type: full K*d*d, tied d*d, diag K*d, spherical K. "
            "lower_bounds = lower_bounds_ (mean log-likelihood per sample; [i] at the parameters before iteration "
            "i+1's M-step: [0] at the start). final_log_likelihood = score(X)*n at the fitted parameters. "
            "Epoch e (after e M-steps) has total log-likelihood n*lower_bounds[e] for e=1..iterations-1."
        ),
        "cases": cases,
    }
    write(EM_OUT, document)
    print(f"wrote {EM_OUT.relative_to(ROOT)} ({len(cases)} cases)")


# ---------------------------------------------------------------- selection

SELECTION_COMPONENTS = range(1, 7)
SELECTION_SETTINGS = dict(n_init=30, init_params="k-means++", tol=1e-8, max_iter=1000, reg_covar=1e-6, random_state=0)
SOUND_REL = 1e-12


def soundness(x, ctype, weights, covariances, reg) -> tuple:
    """(sound, smallest weight·n, smallest spread value / floor) under the collapse rule."""
    n, d = x.shape
    col_var = x.var(axis=0)
    floor = np.maximum(reg, SOUND_REL * col_var)
    min_wn = float(np.min(weights) * n)
    worst = np.inf
    cov = np.asarray(covariances, dtype=LD)
    if ctype in ("full", "tied"):
        mats = cov if ctype == "full" else [cov]
        for mat in mats:
            p = pivots(mat - reg * np.eye(d, dtype=LD))
            ratios = [float(p[j] / floor[j]) for j in range(len(p))]
            if len(p) < d:
                ratios.append(-np.inf)
            worst = min(worst, min(ratios))
    elif ctype == "diag":
        worst = float(np.min((cov - reg) / floor[None, :]))
    elif ctype == "spherical":
        sphere_floor = max(reg, SOUND_REL * float(np.mean(col_var)))
        worst = float(np.min((cov - reg) / sphere_floor))
    return (min_wn >= 1 and worst > 1), min_wn, worst


def selection_main() -> None:
    dataset, columns = IRIS4
    x = load(dataset, columns)
    n = len(x)
    reg = SELECTION_SETTINGS["reg_covar"]
    fits = []
    print(f"{'K':>2s} {'type':9s} {'log-likelihood':>20s} {'BIC':>20s} {'params':>6s} {'n_iter':>6s} {'min w·n':>8s} {'spread/floor':>12s} sound")
    for k in SELECTION_COMPONENTS:
        for ctype in TYPES:
            gm = GaussianMixture(n_components=k, covariance_type=ctype, **SELECTION_SETTINGS)
            with warnings.catch_warnings():
                warnings.simplefilter("error", ConvergenceWarning)  # max_iter must suffice
                gm.fit(x)
            order = np.argsort(gm.means_[:, 0], kind="stable")
            weights = gm.weights_[order]
            means = gm.means_[order]
            covs = gm.covariances_ if ctype == "tied" else gm.covariances_[order]
            log_likelihood = float(gm.score(x) * n)
            bic, aic = float(gm.bic(x)), float(gm.aic(x))
            params = int(gm._n_parameters())
            assert gm.converged_ and np.all(np.isfinite([log_likelihood, bic, aic]))
            sound, min_wn, worst = soundness(x, ctype, weights, covs, reg)
            print(f"{k:2d} {ctype:9s} {log_likelihood:20.12f} {bic:20.12f} {params:6d} {gm.n_iter_:6d} {min_wn:8.2f} {worst:12.3e} {sound}")
            fits.append({
                "components": k,
                "covariance": ctype,
                "log_likelihood": log_likelihood,
                "bic": bic,
                "aic": aic,
                "parameters": params,
                "iterations": int(gm.n_iter_),
                "converged": bool(gm.converged_),
                "sound": bool(sound),
                "weights": nested(weights),
                "means": nested(means),
                "covariances": nested(covs),
            })
    sound_fits = [f for f in fits if f["sound"]]
    best = min(sound_fits, key=lambda f: (f["bic"], f["parameters"], f["components"]))
    print(f"lowest BIC among sound fits: {best['covariance']}, K = {best['components']} (BIC {best['bic']:.6f})")
    document = {
        "generator": "scripts/make_multivariate_reference.py (selection_main)",
        "regenerate": REGENERATE + " selection",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "dataset": dataset,
        "file": DATASETS[dataset],
        "columns": columns,
        "n": n,
        "settings": dict(SELECTION_SETTINGS),
        "sound_rule": (
            "no component with weight*n < 1; the spread (covariance minus reg_covar on the diagonal) has every "
            "Cholesky pivot L_jj^2 (full, tied), diagonal entry (diag) or variance (spherical) > floor_j = "
            "max(reg_covar, 1e-12*var_j), var_j = column j's variance ddof 0 (spherical: mean of the column variances)"
        ),
        "description": (
            "For each K in 1..6 and covariance type: GaussianMixture(n_components=K, covariance_type, n_init=30, "
            "init_params='k-means++', tol=1e-8, max_iter=1000, reg_covar=1e-6, random_state=0).fit(X). "
            "log_likelihood = score(X)*n, bic = bic(X), aic = aic(X), parameters = _n_parameters(), iterations = "
            "n_iter_; weights/means/covariances = weights_/means_/covariances_ (sklearn's shape for the type) with "
            "components sorted by the first mean coordinate. choice = lowest bic among sound fits "
            "(tie: fewer parameters, then smaller K)."
        ),
        "fits": fits,
        "choice": {"components": best["components"], "covariance": best["covariance"]},
    }
    write(SELECTION_OUT, document)
    print(f"wrote {SELECTION_OUT.relative_to(ROOT)} ({len(fits)} fits)")


# ---------------------------------------------------------------- KDE

KDE_DATA = [IRIS2, BLOBS2, IRIS3]
KDE_BANDWIDTHS = ["scott", "silverman", 0.3]
DENSITY_FLOOR = 1e-200  # every recorded density is far from underflow


def kde_points(x: np.ndarray) -> np.ndarray:
    """The evaluation points: a grid of 5 (d = 2) or 3 (d = 3) values per axis along the data's
    principal axes (mean + Σ_j c_j·2·sd_j·v_j, c_j in linspace(-1, 1), v_j the eigenvectors of
    the ddof=0 covariance, sd_j the square roots of its eigenvalues — a box spanning the data's
    spread that follows its correlation, so no corner sits far off the data), three data rows
    (first, middle, last) and two points outside the data's range (min − 0.2·range and
    max + 0.1·range in every column)."""
    n, d = x.shape
    values, vectors = np.linalg.eigh(np.cov(x, rowvar=False, ddof=0))
    per_axis = 5 if d == 2 else 3
    steps = np.linspace(-1.0, 1.0, per_axis)
    coefficients = np.array(np.meshgrid(*([steps] * d), indexing="ij")).reshape(d, -1).T
    grid = x.mean(axis=0)[None, :] + (coefficients * 2 * np.sqrt(values)[None, :]) @ vectors.T
    rows = x[[0, n // 2, n - 1]]
    low, high = x.min(axis=0), x.max(axis=0)
    span = high - low
    far = np.array([low - 0.2 * span, high + 0.1 * span])
    return np.vstack([grid, rows, far])


def extended_kde(x: np.ndarray, points: np.ndarray, factor: float):
    """gaussian_kde's density in np.longdouble: mean over rows of N(p; x_i, S·factor²), S the
    ddof=1 covariance."""
    xl = x.astype(LD)
    n, d = xl.shape
    centred = xl - xl.mean(axis=0)[None, :]
    cov = centred.T @ centred / (n - 1) * LD(factor) ** 2
    out = []
    for p in points.astype(LD):
        logs = log_gaussian(xl, p, cov)  # symmetric in p and x_i
        top = logs.max()
        out.append(top + np.log(np.exp(logs - top).sum()) - np.log(LD(n)))
    return np.exp(np.array(out)), cov


def kde_main() -> None:
    cases = []
    for dataset, columns in KDE_DATA:
        x = load(dataset, columns)
        for bw in KDE_BANDWIDTHS:
            kde = gaussian_kde(x.T, bw_method=bw)
            points = kde_points(x)
            density = kde(points.T)
            ext_density, ext_cov = extended_kde(x, points, float(kde.factor))
            cond = max(max_rel(density, ext_density), max_rel(kde.covariance, ext_cov))
            label = bw if isinstance(bw, str) else "scalar"
            name = f"{dataset}-d{x.shape[1]}-{label}"
            print(f"{name:28s} factor {float(kde.factor):.6f}  {len(points)} points, density {density.min():.3e}…{density.max():.3e}  vs longdouble {cond:.1e}")
            if cond > COND_TOL:
                raise SystemExit(f"{name}: ill-conditioned (scipy vs longdouble {cond:.1e}); choose other points")
            if not density.min() > DENSITY_FLOOR:
                raise SystemExit(f"{name}: a density {density.min():.1e} near underflow; choose other points")
            cases.append({
                "name": name,
                "dataset": dataset,
                "file": DATASETS[dataset],
                "columns": columns,
                "n": int(x.shape[0]),
                "bw_method": label,
                "factor": float(kde.factor),
                "covariance": nested(kde.covariance),
                "points": nested(points),
                "density": nested(density),
            })
    document = {
        "generator": "scripts/make_multivariate_reference.py (kde_main)",
        "regenerate": REGENERATE + " kde",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "conditioning_tolerance": COND_TOL,
        "description": (
            "scipy.stats.gaussian_kde(X.T, bw_method) with bw_method 'scott', 'silverman' or the number 0.3 "
            "(bw_method 'scalar': scipy uses the number as the factor). factor = kde.factor; covariance = "
            "kde.covariance = data covariance (ddof=1) * factor^2; density[i] = kde(points[i]) (points n_points*d)."
        ),
        "cases": cases,
    }
    write(KDE_OUT, document)
    print(f"wrote {KDE_OUT.relative_to(ROOT)} ({len(cases)} cases)")


def write(path: Path, document: dict) -> None:
    with open(path, "w") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    which = sys.argv[1:] or ["em", "selection", "kde"]
    unknown = set(which) - {"em", "selection", "kde"}
    if unknown:
        raise SystemExit(f"usage: {sys.argv[0]} [em] [selection] [kde]  (unknown: {sorted(unknown)})")
    if "em" in which:
        em_main()
    if "selection" in which:
        selection_main()
    if "kde" in which:
        kde_main()

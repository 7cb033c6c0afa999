"""Generate Tests/Fixtures/missing-em.json: reference runs of Gaussian-mixture EM on rows
with missing coordinates (issue 14), by the observed-data likelihood (Ghahramani & Jordan
1994; Little & Rubin, "Statistical Analysis with Missing Data", ch. 8 and 11).

Regenerate:  python3 scripts/make_missing_reference.py
(run from anywhere; it writes the fixture and prints the self-checks; any failed check is
an AssertionError and nothing is written). The output is deterministic: every random draw
comes from np.random.default_rng seeded with a fixed list of integers (see `make_truth`,
`make_mask`, `make_start`). This script is an independent implementation: it shares no code
with the Swift side (MixtureModels), and the Swift side must not be derived from it beyond
the formulas below.

What is computed, per case (covariance type "full" or "diag", K components, dimension d,
MCAR fraction f, regularisation reg, T = 25 epochs):

  Data. n = 200 rows from a K-component Gaussian mixture with well separated means (pairwise
  distance >= 5, component covariances with eigenvalues roughly 0.3 ... 2) and correlated
  covariances. The complete data depend only on (K, d) (seed [14, K, d]), so the full/diag,
  reg and fraction variants of a (K, d) share the same complete rows. MCAR mask (seed
  [14, K, d, round(100 f)]): every cell is hidden independently with probability f; then each
  row that came out entirely hidden gets one cell (chosen uniformly by the same generator)
  revealed again, so no row is entirely missing. Two dedicated cases ("...-dropped") then hide
  every cell of 2 or 3 chosen rows; those rows are dropped before fitting and listed (0-based
  indices into "data") in "droppedRows"; n in the M-step = rows kept. Missing cells are null
  in the JSON. Fraction 0 = the complete data (no mask).

  Start (seed [14, K, d, 99]): weights 0.6 * truth + 0.4 * uniform; means truth + N(0, 0.4²)
  per coordinate; covariances 1.3 * truth + 0.2 * I (full); for diag the diagonal of that
  (written as a full d x d matrix with zero off-diagonal). Full and diag cases of a (K, d)
  share the start's weights and means.

  E-step, row i with observed coordinates o and missing m, component k:
    log p_ik  = log w_k + log N(x_o | mu_k,o, S_k,oo)           (slogdet and solve of S_k,oo)
    r_ik      = p_ik / sum_k p_ik                               (log-sum-exp)
    xhat_ik   = x_i with x_m replaced by mu_k,m + S_k,mo S_k,oo^-1 (x_o - mu_k,o)
    C_ik      = d x d, zero except the mm block S_k,mm - S_k,mo S_k,oo^-1 S_k,om
    l(theta)  = sum_i log sum_k p_ik                            (observed-data log-likelihood)
  For diag, S_k is diagonal, so S_k,mo = 0: xhat_m = mu_k,m and C_ik = diag(s²_k,m); the same
  general formulas are used for both types (they reduce to that).

  M-step:  N_k = sum_i r_ik;  w_k = N_k / n;  mu_k = sum_i r_ik xhat_ik / N_k;
    full:  S_k = sum_i r_ik [(xhat_ik - mu_k)(xhat_ik - mu_k)^T + C_ik] / N_k + reg I
    diag:  the diagonal of the same matrix (before adding reg), + reg on the diagonal.
  (No 10·eps is added to N_k, unlike scikit-learn; that differs from it by ~1e-15 relative.)

  Epochs. theta_0 = start; an E-step at theta_0 gives "initialLogLikelihood" = l(theta_0) and
  the sums; for t = 1 ... T: M-step from the last E-step's sums -> theta_t, then an E-step at
  theta_t gives l(theta_t) = logLikelihoods[t-1]. "final" = theta_T (so logLikelihoods[T-1] is
  the log-likelihood of "final"). A fixed T epochs (tolerance 0); nothing stops early.

Self-checks (printed; asserted):
  1. Monotonicity: l(theta_t) >= l(theta_{t-1}) - 1e-9 * |l(theta_{t-1})| for every t in every
     case (EM never decreases the observed-data likelihood; with reg > 0 the M-step is not the
     exact maximiser, but the effect of reg = 1e-6 is far below the slack here). The worst
     relative decrease (or smallest increase) is reported.
  2. Complete cases (f = 0, reg 1e-6) against sklearn.mixture.GaussianMixture(n_components=K,
     covariance_type=type, reg_covar=reg, tol=0, max_iter=T, n_init=1, weights_init,
     means_init, precisions_init = inverses of the start covariances in sklearn's shape,
     random_state=0). sklearn's iteration j (1-based) does an E-step at theta_{j-1}, records
     lower_bounds_[j-1] = mean l(theta_{j-1}), then the M-step gives theta_j. So:
        initialLogLikelihood        == n * lower_bounds_[0]
        logLikelihoods[t-1], t<T    == n * lower_bounds_[t]
        logLikelihoods[T-1]         == n * score(X)           (score at the fitted theta_T)
        final weights/means/covs    == weights_, means_, covariances_ (diag: K x d -> diagonal)
     Compared: per array, max |ours - sklearn| / max |sklearn| over the array (relative to the
     array's scale); per log-likelihood |ours - sklearn| / |sklearn|. Tolerance 1e-10.
  3. An independent recomputation of l(theta_T) with scipy.stats.multivariate_normal.logpdf on
     each row's observed block (scipy.special.logsumexp over components) must agree with
     logLikelihoods[T-1] to 1e-12 relative.

Floats are written by json (repr: the shortest string that reads back as the same double);
nothing is rounded.
"""
import json
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Tests" / "Fixtures" / "missing-em.json"

N_ROWS = 200
EPOCHS = 25
MONOTONE_SLACK = 1e-9
SKLEARN_TOL = 1e-10
SCIPY_TOL = 1e-12


# ----------------------------------------------------------------------------- data

def make_truth(K, d):
    """True weights, means (pairwise distance >= 5) and covariances for a (K, d)."""
    rng = np.random.default_rng([14, K, d])
    weights = np.arange(2, K + 2, dtype=float)
    weights = weights / weights.sum()
    while True:
        means = rng.uniform(-6.0, 6.0, size=(K, d))
        distances = [np.linalg.norm(means[a] - means[b]) for a in range(K) for b in range(a)]
        if min(distances) >= 5.0:
            break
    covariances = np.empty((K, d, d))
    for k in range(K):
        A = rng.normal(size=(d, d))
        covariances[k] = 0.6 * (A @ A.T) / d + 0.3 * np.eye(d)
    return weights, means, covariances


def make_complete_data(K, d):
    weights, means, covariances = make_truth(K, d)
    rng = np.random.default_rng([14, K, d, 1])
    labels = rng.choice(K, size=N_ROWS, p=weights)
    X = np.empty((N_ROWS, d))
    for i in range(N_ROWS):
        X[i] = rng.multivariate_normal(means[labels[i]], covariances[labels[i]])
    return X


def make_mask(K, d, fraction, all_missing_rows):
    """Boolean n x d array, True = missing. MCAR, then no row entirely missing, then the
    rows listed in all_missing_rows entirely missing."""
    missing = np.zeros((N_ROWS, d), dtype=bool)
    if fraction > 0:
        rng = np.random.default_rng([14, K, d, round(100 * fraction)])
        missing = rng.random((N_ROWS, d)) < fraction
        for i in range(N_ROWS):
            if missing[i].all():
                missing[i, rng.integers(d)] = False
    for i in all_missing_rows:
        missing[i, :] = True
    return missing


def make_start(K, d, covariance):
    weights, means, covariances = make_truth(K, d)
    rng = np.random.default_rng([14, K, d, 99])
    start_weights = 0.6 * weights + 0.4 / K
    start_means = means + rng.normal(0.0, 0.4, size=(K, d))
    start_covariances = np.empty((K, d, d))
    for k in range(K):
        S = 1.3 * covariances[k] + 0.2 * np.eye(d)
        start_covariances[k] = S if covariance == "full" else np.diag(np.diag(S))
    return start_weights, start_means, start_covariances


# ----------------------------------------------------------------------------- EM

def e_step(X, weights, means, covariances):
    """X: rows kept (NaN = missing, no row entirely NaN). Returns (log-likelihood, resp n x K,
    xhat n x K x d, C n x K x d x d)."""
    n, d = X.shape
    K = len(weights)
    resp = np.zeros((n, K))
    xhat = np.zeros((n, K, d))
    C = np.zeros((n, K, d, d))
    total = 0.0
    for i in range(n):
        o = [j for j in range(d) if not np.isnan(X[i, j])]
        m = [j for j in range(d) if np.isnan(X[i, j])]
        x_o = X[i, o]
        log_p = np.empty(K)
        for k in range(K):
            mu_o = means[k][o]
            S_oo = covariances[k][np.ix_(o, o)]
            diff = x_o - mu_o
            sign, logdet = np.linalg.slogdet(S_oo)
            assert sign > 0
            maha = diff @ np.linalg.solve(S_oo, diff)
            log_p[k] = np.log(weights[k]) - 0.5 * (len(o) * np.log(2 * np.pi) + logdet + maha)
            xhat[i, k] = X[i]
            if m:
                S_mo = covariances[k][np.ix_(m, o)]
                S_mm = covariances[k][np.ix_(m, m)]
                xhat[i, k, m] = means[k][m] + S_mo @ np.linalg.solve(S_oo, diff)
                C[i, k][np.ix_(m, m)] = S_mm - S_mo @ np.linalg.solve(S_oo, S_mo.T)
        top = log_p.max()
        log_norm = top + np.log(np.sum(np.exp(log_p - top)))
        resp[i] = np.exp(log_p - log_norm)
        total += log_norm
    return total, resp, xhat, C


def m_step(resp, xhat, C, covariance, reg):
    n, K, d = xhat.shape
    weights = np.empty(K)
    means = np.empty((K, d))
    covariances = np.empty((K, d, d))
    for k in range(K):
        N_k = 0.0
        s = np.zeros(d)
        for i in range(n):
            N_k += resp[i, k]
            s += resp[i, k] * xhat[i, k]
        mu = s / N_k
        S = np.zeros((d, d))
        for i in range(n):
            diff = xhat[i, k] - mu
            S += resp[i, k] * (np.outer(diff, diff) + C[i, k])
        S = S / N_k
        if covariance == "diag":
            S = np.diag(np.diag(S))
        weights[k] = N_k / n
        means[k] = mu
        covariances[k] = S + reg * np.eye(d)
    return weights, means, covariances


def run_em(X, start, covariance, reg, epochs):
    weights, means, covariances = start
    ll, resp, xhat, C = e_step(X, weights, means, covariances)
    initial = ll
    lls = []
    for _ in range(epochs):
        weights, means, covariances = m_step(resp, xhat, C, covariance, reg)
        ll, resp, xhat, C = e_step(X, weights, means, covariances)
        lls.append(ll)
    return initial, lls, (weights, means, covariances)


def scipy_log_likelihood(X, weights, means, covariances):
    """Independent check: scipy's multivariate_normal on each row's observed block."""
    total = 0.0
    for row in X:
        o = ~np.isnan(row)
        terms = [np.log(weights[k])
                 + multivariate_normal(mean=means[k][o], cov=covariances[k][np.ix_(o, o)]).logpdf(row[o])
                 for k in range(len(weights))]
        total += logsumexp(terms)
    return total


# ----------------------------------------------------------------------------- sklearn

def rel_array(ours, theirs):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    return float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))


def sklearn_compare(X, start, covariance, reg, epochs, initial, lls, final):
    weights, means, covariances = start
    if covariance == "full":
        precisions = np.array([np.linalg.inv(S) for S in covariances])
    else:
        precisions = np.array([1.0 / np.diag(S) for S in covariances])
    gm = GaussianMixture(n_components=len(weights), covariance_type=covariance, reg_covar=reg,
                         tol=0.0, max_iter=epochs, n_init=1, weights_init=weights,
                         means_init=means, precisions_init=precisions, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    n = X.shape[0]
    assert gm.n_iter_ == epochs and len(gm.lower_bounds_) == epochs
    theirs_ll = [n * lb for lb in gm.lower_bounds_] + [n * gm.score(X)]
    ours_ll = [initial] + list(lls)
    sk_covs = gm.covariances_ if covariance == "full" else np.array([np.diag(v) for v in gm.covariances_])
    diffs = {
        "logLikelihoods": max(abs(a - b) / abs(b) for a, b in zip(ours_ll, theirs_ll)),
        "weights": rel_array(final[0], gm.weights_),
        "means": rel_array(final[1], gm.means_),
        "covariances": rel_array(final[2], sk_covs),
    }
    record = {
        "version": sklearn.__version__,
        "settings": f"GaussianMixture(n_components={len(weights)}, covariance_type='{covariance}', "
                    f"reg_covar={reg!r}, tol=0, max_iter={epochs}, n_init=1, weights_init, "
                    "means_init, precisions_init=inverse start covariances, random_state=0)",
        "compared": "initialLogLikelihood vs n*lower_bounds_[0]; logLikelihoods[t-1] vs "
                    "n*lower_bounds_[t] for t=1..T-1; logLikelihoods[T-1] vs n*score(X); final "
                    "weights/means/covariances vs weights_/means_/covariances_ (diag: as diagonal "
                    "matrices). Differences: log-likelihoods |ours-sk|/|sk|, arrays "
                    "max|ours-sk|/max|sk|.",
        "lowerBounds": [float(v) for v in gm.lower_bounds_],
        "score": float(gm.score(X)),
        "weights": gm.weights_.tolist(),
        "means": gm.means_.tolist(),
        "covariances": sk_covs.tolist(),
        "maxRelativeDifference": diffs,
    }
    return record, max(diffs.values())


# ----------------------------------------------------------------------------- cases

def case_list():
    cases = []
    for covariance in ("full", "diag"):
        for K in (2, 3):
            for d in (2, 4):
                cases.append((covariance, K, d, 0.0, 1e-6, []))
                for fraction in (0.1, 0.3):
                    for reg in (0.0, 1e-6):
                        cases.append((covariance, K, d, fraction, reg, []))
    # Dedicated cases with entirely missing rows (dropped before fitting).
    cases.append(("full", 2, 2, 0.3, 1e-6, [7, 64, 150]))
    cases.append(("diag", 3, 4, 0.1, 0.0, [0, 199]))
    return cases


def to_json_rows(X):
    return [[None if np.isnan(v) else float(v) for v in row] for row in X]


def params_json(weights, means, covariances):
    return {"weights": [float(w) for w in weights],
            "means": np.asarray(means).tolist(),
            "covariances": np.asarray(covariances).tolist()}


def main():
    out_cases = []
    worst_monotone = None  # smallest (ll_t - ll_{t-1}) / |ll_{t-1}| over all cases
    worst_sklearn = 0.0
    worst_scipy = 0.0
    for covariance, K, d, fraction, reg, all_missing in case_list():
        name = f"{covariance}-K{K}-d{d}-f{fraction:g}-reg{reg:g}"
        if all_missing:
            name += "-dropped"
        X_all = make_complete_data(K, d)
        missing = make_mask(K, d, fraction, all_missing)
        X_all[missing] = np.nan
        dropped = [i for i in range(N_ROWS) if missing[i].all()]
        assert dropped == sorted(all_missing)
        X = X_all[[i for i in range(N_ROWS) if i not in dropped]]
        start = make_start(K, d, covariance)

        initial, lls, final = run_em(X, start, covariance, reg, EPOCHS)

        seq = [initial] + lls
        steps = [(seq[t] - seq[t - 1]) / abs(seq[t - 1]) for t in range(1, len(seq))]
        case_worst = min(steps)
        assert case_worst >= -MONOTONE_SLACK, (name, case_worst)
        worst_monotone = case_worst if worst_monotone is None else min(worst_monotone, case_worst)

        check = scipy_log_likelihood(X, *final)
        scipy_diff = abs(check - lls[-1]) / abs(lls[-1])
        assert scipy_diff <= SCIPY_TOL, (name, scipy_diff)
        worst_scipy = max(worst_scipy, scipy_diff)

        case = {
            "name": name,
            "covariance": covariance,
            "components": K,
            "dimension": d,
            "regularization": reg,
            "epochs": EPOCHS,
            "fraction": fraction,
            "missingCells": int(missing.sum()),
            "rowsKept": int(X.shape[0]),
            "data": to_json_rows(X_all),
            "droppedRows": dropped,
            "start": params_json(*start),
            "initialLogLikelihood": float(initial),
            "logLikelihoods": [float(v) for v in lls],
            "final": params_json(*final),
        }
        line = (f"{name:32s} kept {X.shape[0]:3d}  missing {int(missing.sum()):4d}  "
                f"l0 {initial:.6f}  lT {lls[-1]:.6f}  min step {case_worst:.3e}  scipy {scipy_diff:.1e}")
        if fraction == 0.0:
            record, sk_diff = sklearn_compare(X, start, covariance, reg, EPOCHS, initial, lls, final)
            assert sk_diff <= SKLEARN_TOL, (name, record["maxRelativeDifference"])
            worst_sklearn = max(worst_sklearn, sk_diff)
            case["sklearn"] = record
            line += f"  sklearn {sk_diff:.1e}"
        print(line)
        out_cases.append(case)

    fixture = {
        "generatedBy": "scripts/make_missing_reference.py",
        "regenerate": "python3 scripts/make_missing_reference.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "description": "Gaussian-mixture EM with missing values (null) by the observed-data "
                       "likelihood; see the script's docstring for the formulas and the epoch "
                       "convention: initialLogLikelihood = l(start); logLikelihoods[t-1] = "
                       "l(theta_t) after t M-steps; final = theta_T.",
        "cases": out_cases,
    }
    OUTPUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"{len(out_cases)} cases")
    print(f"monotonicity: worst relative step (l_t - l_(t-1))/|l_(t-1)| = {worst_monotone:.3e} "
          f"(slack -{MONOTONE_SLACK:g})")
    print(f"sklearn (complete cases): max relative difference {worst_sklearn:.3e} (tol {SKLEARN_TOL:g})")
    print(f"scipy observed-block log-likelihood: max relative difference {worst_scipy:.3e} (tol {SCIPY_TOL:g})")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""The EM tutorial's own code (../shared/seeds/001_*: "Generate a dataset with two Gaussian
components", "Initialize parameters", "Perform EM algorithm for 20 epochs"), verbatim but for
the plots, with np.random.seed(seed) prepended. It writes Tests/Fixtures/article-numpy.json:
for each seed, the 20 per-epoch log-likelihoods and the final parameters, which
examples/article-numpy.json ("rng": "numpy") must reproduce to 1e-12 (a test).

Run from anywhere:  python3 scripts/article_em.py
"""
import json
from pathlib import Path

import numpy as np
from scipy.stats import norm

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "article-numpy.json"
SEEDS = [0, 1, 42]


def tutorial(seed):
    np.random.seed(seed)
    # Generate a dataset with two Gaussian components
    mu1, sigma1 = 2, 1
    mu2, sigma2 = -1, 0.8
    X1 = np.random.normal(mu1, sigma1, size=200)
    X2 = np.random.normal(mu2, sigma2, size=600)
    X = np.concatenate([X1, X2])

    # Initialize parameters
    mu1_hat, sigma1_hat = np.mean(X1), np.std(X1)
    mu2_hat, sigma2_hat = np.mean(X2), np.std(X2)
    pi1_hat, pi2_hat = len(X1) / len(X), len(X2) / len(X)

    # Perform EM algorithm for 20 epochs
    num_epochs = 20
    log_likelihoods = []

    for epoch in range(num_epochs):
        # E-step: Compute responsibilities
        gamma1 = pi1_hat * norm.pdf(X, mu1_hat, sigma1_hat)
        gamma2 = pi2_hat * norm.pdf(X, mu2_hat, sigma2_hat)
        total = gamma1 + gamma2
        gamma1 /= total
        gamma2 /= total

        # M-step: Update parameters
        mu1_hat = np.sum(gamma1 * X) / np.sum(gamma1)
        mu2_hat = np.sum(gamma2 * X) / np.sum(gamma2)
        sigma1_hat = np.sqrt(np.sum(gamma1 * (X - mu1_hat)**2) / np.sum(gamma1))
        sigma2_hat = np.sqrt(np.sum(gamma2 * (X - mu2_hat)**2) / np.sum(gamma2))
        pi1_hat = np.mean(gamma1)
        pi2_hat = np.mean(gamma2)

        # Compute log-likelihood
        log_likelihood = np.sum(np.log(pi1_hat * norm.pdf(X, mu1_hat, sigma1_hat)
                                       + pi2_hat * norm.pdf(X, mu2_hat, sigma2_hat)))
        log_likelihoods.append(log_likelihood)
    return {"seed": seed, "logLikelihoods": [float(v) for v in log_likelihoods],
            "weights": [float(pi1_hat), float(pi2_hat)], "means": [float(mu1_hat), float(mu2_hat)],
            "sds": [float(sigma1_hat), float(sigma2_hat)]}


def main():
    OUT.write_text(json.dumps({
        "generator": "scripts/article_em.py",
        "regenerate": "python3 scripts/article_em.py",
        "numpy": np.__version__,
        "runs": [tutorial(s) for s in SEEDS],
    }, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

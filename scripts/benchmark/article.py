# The Python code of the tutorial that examples/article.json reproduces:
# GeeksforGeeks, "ML | Expectation-Maximization Algorithm", copied from the stored copy of the
# article at /work/shared/seeds/001_1012ba81aa68f793.txt (the repository must not read that folder
# at run time, hence this copy). scripts/benchmark/compare.py times it against generate-report.
#
# Usage: python3 scripts/benchmark/article.py OUTDIR
#
# Changes to the article's code, and nothing else:
#   1. matplotlib uses the Agg backend, and each of the three plt.show() calls became
#      plt.savefig(OUTDIR/figure-N.png) followed by plt.close() (closing the figure is what
#      closing the shown window did; without it the next plot would draw into the same figure).
#   2. The article calls sns.kdeplot and gaussian_kde without importing them; the two imports
#      (import seaborn as sns, from scipy.stats import gaussian_kde) are added so that it runs.
import os
import sys

import matplotlib

matplotlib.use("Agg")
OUTDIR = sys.argv[1] if len(sys.argv) > 1 else "."
os.makedirs(OUTDIR, exist_ok=True)

# ---- the article's code from here on ----

import numpy as np
import matplotlib.pyplot as plt
from scipy.stats import norm
import seaborn as sns  # added (change 2)
from scipy.stats import gaussian_kde  # added (change 2)

# Generate a dataset with two Gaussian components
mu1, sigma1 = 2, 1
mu2, sigma2 = -1, 0.8
X1 = np.random.normal(mu1, sigma1, size=200)
X2 = np.random.normal(mu2, sigma2, size=600)
X = np.concatenate([X1, X2])

# Plot the density estimation using seaborn
sns.kdeplot(X)
plt.xlabel('X')
plt.ylabel('Density')
plt.title('Density Estimation of X')
plt.savefig(os.path.join(OUTDIR, "figure-1.png"))  # was plt.show() (change 1)
plt.close()

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

# Plot log-likelihood values over epochs
plt.plot(range(1, num_epochs+1), log_likelihoods)
plt.xlabel('Epoch')
plt.ylabel('Log-Likelihood')
plt.title('Log-Likelihood vs. Epoch')
plt.savefig(os.path.join(OUTDIR, "figure-2.png"))  # was plt.show() (change 1)
plt.close()

# Plot the final estimated density
X_sorted = np.sort(X)
density_estimation = pi1_hat*norm.pdf(X_sorted,
                                        mu1_hat,
                                        sigma1_hat) + pi2_hat * norm.pdf(X_sorted,
                                                                         mu2_hat,
                                                                         sigma2_hat)


plt.plot(X_sorted, gaussian_kde(X_sorted)(X_sorted), color='green', linewidth=2)
plt.plot(X_sorted, density_estimation, color='red', linewidth=2)
plt.xlabel('X')
plt.ylabel('Density')
plt.title('Density Estimation of X')
plt.legend(['Kernel Density Estimation','Mixture Density'])
plt.savefig(os.path.join(OUTDIR, "figure-3.png"))  # was plt.show() (change 1)
plt.close()

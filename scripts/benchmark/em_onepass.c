/*
 * em_onepass.c -- the "one-pass C reference loop" for scripts/benchmark/compare.py.
 *
 * Fused one-pass EM for a 1-D Gaussian mixture: for every point, K log-densities,
 * log-sum-exp, responsibilities, and the sums  sum r, sum r*x, sum r*x^2  and the
 * log-likelihood are accumulated in the same pass over the data; the M-step then sets
 *     weight = sum r / n,  mean = sum r*x / sum r,  variance = sum r*x^2 / sum r - mean^2 + reg.
 *
 * The data is processed in blocks of BLOCK points that stay in L1, and every inner loop is
 * a plain loop over the points of a block so that gcc vectorises it; with -ffast-math,
 * glibc's math.h declares SIMD variants of exp and log, and gcc calls libmvec
 * (_ZGVeN8v_exp / _ZGVdN4v_exp, _ZGVeN8v_log / _ZGVdN4v_log).  Threads split the blocks
 * (OpenMP `reduction` over the sums).
 *
 * Two details keep the per-point cost near the cost of the K exps (on a Xeon with AVX-512,
 * libmvec's exp costs ~0.6 ns and its log ~1 ns per value; a 512-bit double division is
 * about as slow as an exp):
 *   - the log-likelihood sums log(s) over a point's sum s = sum_k exp(ld_k - max) in
 *     [1, K] as the log of products of 32 such sums (at most K^32, finite for K <= KMAX),
 *     i.e. one log per 32 points;
 *   - 1/s is a float reciprocal refined by two Newton steps instead of a double division
 *     (relative error ~1e-16).
 * Without them the loop is ~1.3x slower at K = 2 (measured, Xeon "model 207", gcc 12).
 *
 * Build (compare.py does this):
 *     gcc -O3 -march=native -ffast-math -fopenmp em_onepass.c -o em_onepass -lm
 * Run:
 *     em_onepass FILE.f64 K ITERATIONS THREADS REPEATS w1,..,wK m1,..,mK s1,..,sK [REG]
 * FILE.f64 holds raw little-endian float64 values (numpy's ndarray.tofile).  Each repeat
 * starts again from the given start and runs ITERATIONS iterations (E-step + M-step);
 * prints one JSON object:
 *     {"seconds_per_iteration": <median over repeats of time/ITERATIONS>,
 *      "loglik": <total log-likelihood at the final parameters>, ...}
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define KMAX 64
#define BLOCK 256

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int parse_list(const char *s, double *out, int max) {
  int count = 0;
  char *end;
  while (*s && count < max) {
    out[count++] = strtod(s, &end);
    if (end == s) return -1;
    s = end;
    if (*s == ',') s++;
  }
  return count;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One E-step over all the data; returns the log-likelihood at the given parameters.
   If update is nonzero, the M-step then replaces w, mu, sd. */
static double em_iteration(const double *x, long n, int K, double *w, double *mu, double *sd,
                           double reg, int update) {
  double logc[KMAX], prec[KMAX];
  double s0[KMAX], s1[KMAX], s2[KMAX];
  for (int k = 0; k < K; k++) {
    logc[k] = log(w[k]) - log(sd[k]) - 0.5 * log(2.0 * M_PI);
    prec[k] = 0.5 / (sd[k] * sd[k]);
    s0[k] = s1[k] = s2[k] = 0.0;
  }
  double ll = 0.0;
  long nblocks = (n + BLOCK - 1) / BLOCK;

#pragma omp parallel for schedule(static) reduction(+ : ll, s0[:K], s1[:K], s2[:K])
  for (long b = 0; b < nblocks; b++) {
    const double *xb = x + b * BLOCK;
    int len = (int)((n - b * BLOCK) < BLOCK ? (n - b * BLOCK) : BLOCK);
    double ld[K][BLOCK]; /* log-densities, then exp(ld - max) */
    double mx[BLOCK], inv[BLOCK]; /* max_k ld; s = sum_k exp(ld - max), then 1/s */
    /* ask for the next block now: the hardware prefetcher alone leaves ~10% on the table at
       n = 1e7 (prefetching past the end of the data is harmless) */
    for (int i = 0; i < BLOCK; i += 8) __builtin_prefetch(xb + BLOCK + i);

    /* log( w_k N(x | mu_k, sd_k) ) */
    for (int k = 0; k < K; k++) {
      const double c = logc[k], p = prec[k], m = mu[k];
      for (int i = 0; i < len; i++) {
        double d = xb[i] - m;
        ld[k][i] = c - d * d * p;
      }
    }
    /* log-sum-exp with max subtraction */
    for (int i = 0; i < len; i++) mx[i] = ld[0][i];
    for (int k = 1; k < K; k++)
      for (int i = 0; i < len; i++) mx[i] = fmax(mx[i], ld[k][i]);
    for (int i = 0; i < len; i++) inv[i] = 0.0;
    for (int k = 0; k < K; k++)
      for (int i = 0; i < len; i++) {
        double e = exp(ld[k][i] - mx[i]);
        ld[k][i] = e;
        inv[i] += e;
      }
    /* log-likelihood: sum of mx + log(s); the logs are taken of products of 32 values of s
       (each in [1, K], so a product is at most K^32: finite for K <= KMAX) */
    double llb = 0.0;
    for (int i = 0; i < len; i++) llb += mx[i];
    for (int i0 = 0; i0 < len; i0 += 32) {
      int i1 = i0 + 32 < len ? i0 + 32 : len;
      double product = 1.0;
      for (int i = i0; i < i1; i++) product *= inv[i];
      llb += log(product);
    }
    /* 1/s as a float reciprocal refined by two Newton steps: a double division (vdivpd) is
       slow, and this is exact to about 1 ulp */
    for (int i = 0; i < len; i++) {
      double s = inv[i];
      double r = (double)(1.0f / (float)s);
      r = r * (2.0 - s * r);
      inv[i] = r * (2.0 - s * r);
    }
    ll += llb;
    if (update) {
      /* responsibilities and the sufficient statistics */
      for (int k = 0; k < K; k++) {
        double a0 = 0.0, a1 = 0.0, a2 = 0.0;
        for (int i = 0; i < len; i++) {
          double r = ld[k][i] * inv[i];
          double rx = r * xb[i];
          a0 += r;
          a1 += rx;
          a2 += rx * xb[i];
        }
        s0[k] += a0;
        s1[k] += a1;
        s2[k] += a2;
      }
    }
  }

  if (update) {
    for (int k = 0; k < K; k++) {
      double m = s1[k] / s0[k];
      double var = s2[k] / s0[k] - m * m + reg;
      w[k] = s0[k] / (double)n;
      mu[k] = m;
      sd[k] = sqrt(var);
    }
  }
  return ll;
}

int main(int argc, char **argv) {
  if (argc < 9) {
    fprintf(stderr,
            "usage: %s FILE.f64 K ITERATIONS THREADS REPEATS w1,..,wK m1,..,mK s1,..,sK [REG]\n",
            argv[0]);
    return 64;
  }
  const char *path = argv[1];
  int K = atoi(argv[2]), iterations = atoi(argv[3]), threads = atoi(argv[4]);
  int repeats = atoi(argv[5]);
  double w0[KMAX], mu0[KMAX], sd0[KMAX];
  double reg = argc > 9 ? strtod(argv[9], NULL) : 1e-6;
  if (K < 1 || K > KMAX || iterations < 1 || threads < 1 || repeats < 1 ||
      parse_list(argv[6], w0, KMAX) != K || parse_list(argv[7], mu0, KMAX) != K ||
      parse_list(argv[8], sd0, KMAX) != K) {
    fprintf(stderr, "error: bad arguments (K must be 1..%d and each list must have K values)\n",
            KMAX);
    return 64;
  }

  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 66;
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f) / (long)sizeof(double);
  fseek(f, 0, SEEK_SET);
  double *x = aligned_alloc(64, ((size_t)n * sizeof(double) + 63) / 64 * 64);
  if (!x || fread(x, sizeof(double), (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "error: cannot read %ld values from %s\n", n, path);
    return 66;
  }
  fclose(f);

#ifdef _OPENMP
  omp_set_num_threads(threads);
  int used_threads = omp_get_max_threads();
#else
  int used_threads = 1;
#endif

  double w[KMAX], mu[KMAX], sd[KMAX];
  double *per_iteration = malloc(sizeof(double) * (size_t)repeats);

  /* warm-up: one untimed iteration (page faults, thread start-up) */
  memcpy(w, w0, sizeof(w));
  memcpy(mu, mu0, sizeof(mu));
  memcpy(sd, sd0, sizeof(sd));
  em_iteration(x, n, K, w, mu, sd, reg, 1);

  for (int r = 0; r < repeats; r++) {
    memcpy(w, w0, sizeof(w));
    memcpy(mu, mu0, sizeof(mu));
    memcpy(sd, sd0, sizeof(sd));
    double t0 = now();
    for (int it = 0; it < iterations; it++) em_iteration(x, n, K, w, mu, sd, reg, 1);
    per_iteration[r] = (now() - t0) / iterations;
  }
  double final_ll = em_iteration(x, n, K, w, mu, sd, reg, 0);

  double sorted[repeats];
  memcpy(sorted, per_iteration, sizeof(double) * (size_t)repeats);
  qsort(sorted, (size_t)repeats, sizeof(double), compare_doubles);
  double median = repeats % 2 ? sorted[repeats / 2]
                              : 0.5 * (sorted[repeats / 2 - 1] + sorted[repeats / 2]);

  printf("{\"seconds_per_iteration\": %.9g, \"loglik\": %.17g, \"n\": %ld, \"K\": %d, "
         "\"iterations\": %d, \"threads\": %d, \"repeats\": [",
         median, final_ll, n, K, iterations, used_threads);
  for (int r = 0; r < repeats; r++) printf("%s%.9g", r ? ", " : "", per_iteration[r]);
  printf("], \"weights\": [");
  for (int k = 0; k < K; k++) printf("%s%.17g", k ? ", " : "", w[k]);
  printf("], \"means\": [");
  for (int k = 0; k < K; k++) printf("%s%.17g", k ? ", " : "", mu[k]);
  printf("], \"sds\": [");
  for (int k = 0; k < K; k++) printf("%s%.17g", k ? ", " : "", sd[k]);
  printf("]}\n");
  free(per_iteration);
  free(x);
  return 0;
}

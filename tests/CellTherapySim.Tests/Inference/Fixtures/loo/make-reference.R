# Reference fixture for PsisLooTests (CellTherapySim.Inference.Diagnostics.PsisLoo).
#
# Made with: Rscript make-reference.R   (run in this directory)
#   R 4.2.2 Patched (2022-11-10 r83330), loo 2.5.1 (Debian 12 package r-cran-loo), matrixStats from Debian 12.
#   packageVersion("loo") is also written to reference.csv (quantity "loo_version").
#
# Data: N = 40 observations, 39 from N(0, 1) and one outlier at 8 (observation 40), so that some Pareto k are large.
# Posterior draws: 4 chains x 250 draws (after 250 warm-up) of (mu, log sigma) by a random-walk Metropolis sampler
# (flat prior on mu and log sigma), so draws are autocorrelated and r_eff differs from 1.
#   model "normal": y_i ~ N(mu, sigma);  model "student_t": y_i ~ mu + sigma * t_3.
# log_lik[s, i] is the pointwise log-likelihood at draw s (rows chain 1 draws 1..250, then chain 2, ...).
# Files: log-lik-normal.csv, log-lik-student-t.csv (S rows x N columns, no header, %.17g), chain-id.csv (1-based chain of
# each row), reference.csv (long format: model,quantity,observation,value), compare.csv (loo_compare output rows).
# Model "short_chains": r_eff only, see below.
# Model "identical": 2 chains x 50 draws x 3 observations, every draw log_lik = -1.5 (all draws identical).
suppressPackageStartupMessages(library(loo))
set.seed(20261202)
fmt <- function(x) sprintf("%.17g", x)

N <- 40
y <- c(rnorm(N - 1), 8)
chains <- 4; iter <- 250; warmup <- 250
loglik_fun <- list(
  normal = function(mu, sigma) dnorm(y, mu, sigma, log = TRUE),
  student_t = function(mu, sigma) dt((y - mu) / sigma, df = 3, log = TRUE) - log(sigma))

metropolis <- function(ll) {
  draws <- matrix(NA_real_, chains * iter, 2)
  for (c in seq_len(chains)) {
    theta <- c(rnorm(1, 0, 0.5), rnorm(1, 0, 0.3))
    lp <- sum(ll(theta[1], exp(theta[2])))
    for (t in seq_len(warmup + iter)) {
      prop <- theta + rnorm(2, 0, c(0.35, 0.2))
      lp_prop <- sum(ll(prop[1], exp(prop[2])))
      if (log(runif(1)) < lp_prop - lp) { theta <- prop; lp <- lp_prop }
      if (t > warmup) draws[(c - 1) * iter + t - warmup, ] <- theta
    }
  }
  draws
}

chain <- rep(seq_len(chains), each = iter)
writeLines(as.character(chain), "chain-id.csv")
ref <- data.frame(model = character(), quantity = character(), observation = character(), value = character())
add <- function(model, quantity, values, observation = seq_along(values)) {
  ref <<- rbind(ref, data.frame(model = model, quantity = quantity, observation = as.character(observation),
                                value = fmt(values)))
}
ref <- rbind(ref, data.frame(model = "", quantity = "loo_version", observation = "",
                             value = as.character(packageVersion("loo"))))
loos <- list()
for (m in names(loglik_fun)) {
  draws <- metropolis(loglik_fun[[m]])
  log_lik <- t(apply(draws, 1, function(d) loglik_fun[[m]](d[1], exp(d[2]))))
  file <- paste0("log-lik-", gsub("_", "-", m), ".csv")
  write.table(apply(log_lik, 2, fmt), file, sep = ",", quote = FALSE, row.names = FALSE, col.names = FALSE)
  # Read back what was written, so R's results are for exactly the numbers in the file.
  log_lik <- as.matrix(read.csv(file, header = FALSE))
  dimnames(log_lik) <- NULL
  r_eff <- relative_eff(exp(log_lik), chain_id = chain)
  fit <- suppressWarnings(loo(log_lik, r_eff = r_eff))
  loos[[m]] <- fit
  add(m, "r_eff", r_eff)
  add(m, "pareto_k", fit$diagnostics$pareto_k)
  add(m, "elpd_loo", fit$pointwise[, "elpd_loo"])
  add(m, "p_loo", fit$pointwise[, "p_loo"])
  add(m, "looic", fit$pointwise[, "looic"])
  est <- fit$estimates
  for (q in rownames(est)) {
    add(m, paste0("total_", q), est[q, "Estimate"], "")
    add(m, paste0("se_", q), est[q, "SE"], "")
  }
  S <- nrow(log_lik)
  add(m, "k_threshold", min(1 - 1 / log10(S), 0.7), "")
}

# Model "short_chains": rows 1-77 (chain 1) and 251-327 (chain 2) of log-lik-normal.csv, observations 1-5; 77 is not
# 2-3-5-smooth, so loo's autocovariance pads the FFT to 80 points and scales by 80/77^2 rather than 1/77.
short_ll <- as.matrix(read.csv("log-lik-normal.csv", header = FALSE))[c(1:77, 251:327), 1:5]
add("short_chains", "r_eff", relative_eff(exp(short_ll), chain_id = rep(1:2, each = 77)))

identical_ll <- matrix(-1.5, 100, 3)
identical_chain <- rep(1:2, each = 50)
r_eff <- relative_eff(exp(identical_ll), chain_id = identical_chain)
fit <- suppressWarnings(loo(identical_ll, r_eff = r_eff))
add("identical", "r_eff", r_eff)
add("identical", "pareto_k", fit$diagnostics$pareto_k)
add("identical", "elpd_loo", fit$pointwise[, "elpd_loo"])
add("identical", "p_loo", fit$pointwise[, "p_loo"])
write.csv(ref, "reference.csv", quote = FALSE, row.names = FALSE)

cmp <- loo_compare(list(normal = loos$normal, student_t = loos$student_t))
out <- data.frame(model = rownames(cmp), elpd_diff = fmt(cmp[, "elpd_diff"]), se_diff = fmt(cmp[, "se_diff"]),
                  elpd_loo = fmt(cmp[, "elpd_loo"]))
write.csv(out, "compare.csv", quote = FALSE, row.names = FALSE)
print(loos$normal); print(loos$student_t); print(cmp)

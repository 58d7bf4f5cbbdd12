# Reference values for the shared logistic trainer (src/platform/logistic.ts), computed ONCE by hand
# with R and committed; CI never runs R. Debian: apt-get install r-base-core r-cran-modeldata.
#
#   Rscript scripts/reference/wa_churn_glm.R test/fixtures
#
# Writes <dir>/wa_churn.csv.gz (IBM's wa_churn as shipped in modeldata, every row, named columns)
# and <dir>/wa_churn_glm.json: the coefficients of glm(family = binomial) on the design matrix the
# test rebuilds (rows with missing total_charges dropped; treatment contrasts, first level as
# baseline; columns aliased with others dropped: the "No internet service" levels duplicate
# internet_service "No", "No phone service" duplicates phone_service) and its in-sample AUC.
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "."
data(wa_churn, package = "modeldata")
d <- as.data.frame(wa_churn)

gz <- gzfile(file.path(out, "wa_churn.csv.gz"), "w")
write.csv(d, gz, row.names = FALSE, na = "")
close(gz)

d <- d[!is.na(d$total_charges), ]
y <- as.integer(d$churn == "Yes")
X <- model.matrix(~ . - churn, data = d)
first <- glm.fit(X, y, family = binomial())
aliased <- names(which(is.na(coef(first))))
X <- X[, !(colnames(X) %in% aliased)]
fit <- glm.fit(X, y, family = binomial(), control = glm.control(epsilon = 1e-14, maxit = 100))
stopifnot(fit$converged)
p <- fit$fitted.values
# In-sample AUC by ranks (Mann–Whitney), ties counting one half.
r <- rank(p)
n1 <- sum(y == 1); n0 <- sum(y == 0)
auc <- (sum(r[y == 1]) - n1 * (n1 + 1) / 2) / (n1 * n0)
b <- coef(fit)
json <- paste0(
  "{\n",
  '  "source": "R ', R.version$major, ".", R.version$minor, " glm.fit(family = binomial(), epsilon = 1e-14) on modeldata::wa_churn ", packageVersion("modeldata"), '",\n',
  '  "rows": ', nrow(X), ",\n",
  '  "aliasedDropped": [', paste0('"', aliased, '"', collapse = ", "), "],\n",
  '  "auc": ', sprintf("%.10f", auc), ",\n",
  '  "deviance": ', sprintf("%.8f", fit$deviance), ",\n",
  '  "coefficients": {\n',
  paste0('    "', names(b), '": ', sprintf("%.10f", b), collapse = ",\n"),
  "\n  }\n}\n"
)
writeLines(json, file.path(out, "wa_churn_glm.json"), sep = "")

/**
 * Confidence intervals for the holdout comparisons: how far a lift measured on few flows can be
 * trusted. A shop with 8 held-out flows sees a lift of 52 points and should also see that the
 * data are as consistent with 18 as with 70.
 */

/** z for a two-sided 95 % interval. */
const Z95 = 1.959964;

/**
 * Wilson's score interval for a proportion x / n (E. B. Wilson, "Probable inference, the law of
 * succession, and statistical inference", JASA 22, 1927): unlike the normal approximation it stays
 * within [0, 1] and is sound for small n and for x = 0 or x = n. n must be > 0.
 */
export function wilsonInterval(x: number, n: number, z = Z95): [low: number, high: number] {
  const p = x / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * The 95 % interval of the difference of two independent proportions x1/n1 − x2/n2, by Newcombe's
 * hybrid score method without continuity correction (R. G. Newcombe, "Interval estimation for the
 * difference between independent proportions: comparison of eleven methods", Statistics in
 * Medicine 17, 1998, method 10), built from the two Wilson intervals. His worked examples are
 * this module's tests (56/70 − 48/80: 0.0524 to 0.3339). null when either arm is empty.
 */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number): { low: number; high: number } | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const [p1, p2] = [x1 / n1, x2 / n2];
  const [l1, u1] = wilsonInterval(x1, n1);
  const [l2, u2] = wilsonInterval(x2, n2);
  const d = p1 - p2;
  return { low: Math.max(-1, d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)), high: Math.min(1, d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)) };
}

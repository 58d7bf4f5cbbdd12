import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { auc, fitModel, rawScale, sigmoid } from "../../src/platform/logistic";

/**
 * The shared trainer against a reference nobody here wrote: R's glm(family = binomial) on IBM's
 * wa_churn (7,043 customers, Debian's r-cran-modeldata), unregularised, on the same design matrix.
 * The expected values were computed once by scripts/reference/wa_churn_glm.R and committed; CI
 * never runs R.
 */
const dir = new URL("../fixtures/", import.meta.url);
const expected = JSON.parse(readFileSync(new URL("wa_churn_glm.json", dir), "utf8")) as { rows: number; auc: number; coefficients: Record<string, number> };
const rows = parse(gunzipSync(readFileSync(new URL("wa_churn.csv.gz", dir))), { columns: true }) as Record<string, string>[];

/** R's model.matrix with treatment contrasts, for the columns the reference kept (aliased ones dropped). */
function designMatrix(records: Record<string, string>[], names: string[]) {
  const columns = Object.keys(records[0]!);
  const readers = names.map((name) => {
    if (columns.includes(name)) return (r: Record<string, string>) => Number(r[name]);
    const column = columns.find((c) => name.startsWith(c) && name.length > c.length)!;
    const level = name.slice(column.length);
    return (r: Record<string, string>) => (r[column] === level ? 1 : 0);
  });
  return records.map((r) => readers.map((read) => read(r)));
}

describe("the shared logistic trainer matches R's glm on wa_churn", () => {
  const complete = rows.filter((r) => r.total_charges !== "");
  const names = Object.keys(expected.coefficients).filter((n) => n !== "(Intercept)");
  const x = designMatrix(complete, names);
  const y = complete.map((r) => (r.churn === "Yes" ? 1 : 0) as 0 | 1);
  const { model } = fitModel(names, x, y, { l2: 0, version: "wa_churn", trainedAt: null, exact: true });
  const raw = rawScale(model);

  it("uses the same 7,032 complete rows", () => {
    expect(rows).toHaveLength(7043);
    expect(complete).toHaveLength(expected.rows);
  });

  it("gives every raw-scale coefficient to ±1e-4", () => {
    expect(Math.abs(raw.intercept - expected.coefficients["(Intercept)"]!)).toBeLessThan(1e-4);
    const off = names.filter((n) => !(Math.abs(raw.coefficients[n]! - expected.coefficients[n]!) < 1e-4));
    expect(off.map((n) => `${n}: ${raw.coefficients[n]} vs ${expected.coefficients[n]}`)).toEqual([]);
  });

  it("gives R's in-sample AUC", () => {
    const p = x.map((row) => sigmoid(raw.intercept + row.reduce((s, v, j) => s + v * raw.coefficients[names[j]!]!, 0)));
    expect(auc(p, y)).toBeCloseTo(expected.auc, 6);
  });
});

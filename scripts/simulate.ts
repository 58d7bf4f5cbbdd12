/**
 * `npm run simulate [-- --flows N --seed S]`: the offer ranking learned by Thompson sampling vs a
 * fixed offer order (and the prior-only ranking and an oracle) on synthetic customers.
 */
import { simulateOffers, type PolicyName } from "../src/offers/simulate";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const result = simulateOffers({ flows: arg("flows", 5000), seed: arg("seed", 1) });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(`Synthetic cancel flows: ${result.flows} (seed ${result.seed}); one offer shown per flow.\n`);
console.log("policy     save rate   saves  retained value (¥)");
for (const p of ["fixed", "prior", "thompson", "oracle"] as PolicyName[]) {
  const r = result[p];
  console.log(`${p.padEnd(10)} ${pct(r.saveRate).padStart(9)} ${String(r.saves).padStart(7)}  ${r.retainedValue.toLocaleString("en-US").padStart(14)}`);
}
const lift = result.thompson.saveRate - result.fixed.saveRate;
console.log(`\nLearned (thompson) vs fixed order: ${lift >= 0 ? "+" : ""}${(lift * 100).toFixed(1)} points of save rate; oracle gap ${((result.oracle.saveRate - result.thompson.saveRate) * 100).toFixed(1)} points.`);

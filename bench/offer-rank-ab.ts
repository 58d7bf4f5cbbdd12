/**
 * Thread CPU of ranking the default catalogue for one subscription (`suggestOffers`, all eight
 * default reasons, copy and — `AB_CHANNEL=operator`, the default — talk tracks rendered), two trees
 * side by side in ONE process: `AB_TREES=/path/base,/path/branch npx tsx bench/offer-rank-ab.ts`.
 * Two subscriptions: the next delivery changeable (6/11, today 6/1) and inside the 3-day cut-off
 * (6/3: a discount or gift then starts with the delivery after it). Each tree is warmed up first;
 * 31 blocks of 300 rankings, the tree going first alternating per block. Prints each tree's median
 * µs per subscription and the median ratio second ÷ first per block.
 */
export {};

const trees = (process.env.AB_TREES ?? "").split(",").filter(Boolean);
if (trees.length !== 2) throw new Error("AB_TREES=<first tree>,<second tree>");
const channel = (process.env.AB_CHANNEL ?? "operator") as "operator" | "web";
const mods = await Promise.all(
  trees.map(async (t) => ({
    suggest: (await import(`${t}/src/offers/suggest.ts`)) as typeof import("../src/offers/suggest"),
    catalogue: (await import(`${t}/src/offers/catalogue.ts`)).DEFAULT_CATALOGUE as typeof import("../src/offers/catalogue").DEFAULT_CATALOGUE,
  })),
);
const TODAY = "2026-06-01";
const NOW = "2026-06-01T03:00:00Z";
const REASONS = ["too_expensive", "surplus_stock", "switching_competitor", "temporary_break", "moving", "dissatisfied_service", "no_effect", "other"];
const sub = (nextDeliveryOn: string) => ({
  status: "active" as const,
  product: { sku: "AOJIRU-30", name: "すっきり青汁" },
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn,
  unitPrice: { amount: 3980, currency: "JPY" },
  deliveriesCompleted: 4,
  pausedUntil: null,
  activeDiscount: null,
});
const rank = (m: (typeof mods)[number], next: string) => {
  let n = 0;
  for (const reason of REASONS) n += m.suggest.suggestOffers(m.catalogue, sub(next), { reason, channel, now: NOW, today: TODAY }).length;
  return n;
};
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const m of mods) for (let k = 0; k < 1500; k++) rank(m, "2026-06-11") + rank(m, "2026-06-03");
for (const next of ["2026-06-11", "2026-06-03"]) {
  const per: number[][] = [[], []];
  const ratios: number[] = [];
  for (let block = 0; block < 31; block++) {
    const t = [0, 0];
    for (const i of block % 2 ? [1, 0] : [0, 1]) {
      const start = cpu();
      for (let k = 0; k < 300; k++) rank(mods[i]!, next);
      t[i] = (cpu() - start) / 300;
    }
    per[0]!.push(t[0]!);
    per[1]!.push(t[1]!);
    ratios.push(t[1]! / t[0]!);
  }
  console.log(`next delivery ${next} (${channel}): ${median(per[0]!).toFixed(1)} µs vs ${median(per[1]!).toFixed(1)} µs per subscription, median ratio ${median(ratios).toFixed(3)}`);
}

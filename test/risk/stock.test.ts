import { describe, expect, it } from "vitest";
import { applyEvent, emptyFeatures, eventContext, storedStock, withSubscription } from "../../src/risk/features";
import { DEFAULT_MODEL, score } from "../../src/risk/model";
import { consumptionRate, describeStock, spanOfDays } from "../../src/risk/stock";
import { lintCopy } from "../../src/offers/lint";

describe("stock said as a person would", () => {
  it("counts and spans: 「あと約20包、3週間分ほど」 / about 20 sachets left, about three weeks", () => {
    expect(describeStock({ unitsOnHand: 20.4, daysOnHand: 21 }, "包", "ja")).toBe("あと約20包、3週間分ほど");
    expect(describeStock({ unitsOnHand: 20.4, daysOnHand: 14 }, "包", "en")).toBe("about 20 sachets left, about two weeks");
    expect(describeStock({ unitsOnHand: 2, daysOnHand: 90 }, null, "ja")).toBe("あと約2個、3か月分ほど");
    expect(describeStock({ unitsOnHand: 148, daysOnHand: 75 }, "粒", "en")).toBe("about 150 tablets left, about two and a half months");
    // Less than one unit is never 「約0本」 beside weeks of use.
    expect(describeStock({ unitsOnHand: 0.47, daysOnHand: 14 }, "本", "ja")).toBe("あと半分ほど、2週間分ほど");
    expect(describeStock({ unitsOnHand: 0.47, daysOnHand: 14 }, "本", "en")).toBe("about half a bottle left, about two weeks");
    expect(describeStock({ unitsOnHand: 0.4, daysOnHand: 12 }, null, "en")).toBe("about half left, about two weeks");
    expect(describeStock({ unitsOnHand: 0.1, daysOnHand: 3 }, "袋", "ja")).toBe("あと3日分ほど");
    expect(describeStock({ unitsOnHand: 0.1, daysOnHand: 3 }, "袋", "en")).toBe("a little left, about three days");
    // Each counter once, in its own word: 袋, 包, 粒, 本, 個 (and the package, without a label).
    const said = (label: string | null, lang: "ja" | "en", units = 12) => describeStock({ unitsOnHand: units, daysOnHand: 30 }, label, lang);
    expect(["袋", "包", "粒", "本", "個", null].map((l) => said(l, "ja"))).toEqual(["袋", "包", "粒", "本", "個", "個"].map((c) => `あと約12${c}、4週間分ほど`));
    expect(["袋", "包", "粒", "本", "個", null].map((l) => said(l, "en"))).toEqual(["bags", "sachets", "tablets", "bottles", "pieces", "units"].map((w) => `about 12 ${w} left, about four weeks`));
    expect(said("本", "en", 1)).toBe("about 1 bottle left, about four weeks");
    expect(spanOfDays(3.4, "ja")).toBe("3日分ほど");
    expect(spanOfDays(1, "en")).toBe("about a day");
    expect(spanOfDays(400, "ja")).toBe("1年分以上");
  });

  it("says nothing the offer-copy lint refuses, at any stock (trial52: 「残りわずか」 is false urgency, and the IVR and offers say it)", () => {
    for (const unitsOnHand of [0, 0.1, 0.3, 0.6, 1, 3, 20.4, 148])
      for (const daysOnHand of [0.5, 1, 3, 9, 14, 40, 75, 200, 400])
        for (const lang of ["ja", "en"] as const) {
          const said = describeStock({ unitsOnHand, daysOnHand }, "包", lang);
          expect(lintCopy(said), said).toEqual([]);
        }
  });

  it("is worded so a text-to-speech voice reads it right: no 「1日分」 (ついたち), no 「か月半分」 (half of the months)", () => {
    expect(describeStock({ unitsOnHand: 1, daysOnHand: 75 }, null, "ja")).toBe("あと約1個、2か月半ほど");
    expect(describeStock({ unitsOnHand: 0.1, daysOnHand: 1 }, null, "ja")).toBe("あと1日ぶんほど");
    expect(describeStock({ unitsOnHand: 1, daysOnHand: 400 }, null, "en")).toBe("about 1 unit left, over a year's worth");
    for (let days = 0; days <= 400; days += 0.5) expect(spanOfDays(days, "ja"), String(days)).not.toMatch(/半分|(?<!\d)1日分/);
  });

  it("measures the rate over the history, and knows nothing from too little of it or a count in the wrong unit", () => {
    expect(consumptionRate({ unitsDelivered: 180, unitsOnHand: 60, firstDeliveredOn: "2026-01-01", countedOn: "2026-06-30" })).toBeCloseTo(120 / 180);
    expect(consumptionRate({ unitsDelivered: 30, unitsOnHand: 10, firstDeliveredOn: "2026-06-28", countedOn: "2026-06-30" })).toBeNull();
    expect(consumptionRate({ unitsDelivered: 60, unitsOnHand: 600, firstDeliveredOn: "2026-01-01", countedOn: "2026-06-30" })).toBeNull();
  });

  it("the README walk-through: 20 包 of 青汁 30包 after 6 boxes → about three weeks on hand, no surplus, low risk (not 891 days and 98)", () => {
    const sub = {
      quantity: 1,
      productUnitsPerPackage: 30,
      intervalDays: 30,
      nextDeliveryOn: "2026-12-05",
      unitPriceAmount: 3980,
      startedAt: "2026-05-01T01:00:00Z",
      deliveriesCompleted: 6,
      activeDiscount: null,
    };
    const f = applyEvent(emptyFeatures(), { type: "usage.reported", occurredAt: "2026-11-21T10:30:00Z", data: { remainingUnits: 20 } }, eventContext(sub, "Asia/Tokyo", 0));
    const today = withSubscription(f, sub, "2026-11-21");
    // first delivery 12-05 − 6 × 30 days = 06-08; 180 包 delivered, 20 left: 160 in 166 days
    expect(today.consumptionPerDay).toBeCloseTo(160 / 166, 3);
    expect(describeStock(storedStock(today)!, "包", "ja")).toBe("あと約20包、3週間分ほど");
    const s = score(DEFAULT_MODEL, today);
    expect(s.drivers.map((d) => d.code)).not.toContain("surplus_stock");
    expect(s.band).toBe("low");
  });
});

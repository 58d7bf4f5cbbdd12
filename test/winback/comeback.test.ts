import { describe, expect, it } from "vitest";
import type { SubscriptionSnapshot } from "../../src/offers/personalise";
import { OutcomeTable } from "../../src/offers/bandit";
import { comebackOffer, rerenderComeback } from "../../src/winback/comeback";
import { resolveSettings } from "../../src/settings/schemas";

const settings = resolveSettings({});
const sub: SubscriptionSnapshot = {
  status: "canceled",
  product: { sku: "AOJIRU-30", name: "青汁", unitsPerPackage: 30, unitLabel: "包" },
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn: "2026-09-01",
  unitPrice: { amount: 3980, currency: "JPY" },
  deliveriesCompleted: 6,
};
// No catalogue offer applies: a customer who named a date gets the reminder.
const reminder = (returnOn: string, restartOn: string) =>
  comebackOffer(
    { sub, consecutiveSkips: 0, catalogue: [], stats: new OutcomeTable(), riskBand: null, stockOnHand: null, acceptedSaves: [], settings },
    { reason: "taking_a_break", returnOn, restartOn, now: "2026-11-30T03:00:00.000Z" },
  );

describe("the reminder for a customer who named a return date", () => {
  it("names their date when deliveries can restart on it", () => {
    const r = reminder("2027-01-10", "2027-01-10")!;
    expect(r).toMatchObject({ kind: "reminder", restartOn: "2027-01-10", parameters: { restartOn: "2027-01-10" } });
    expect(r.title.ja).toBe("2027年1月10日からの再開のご案内");
    expect(r.description.ja).toBe("お伝えいただいた2027年1月10日から、以前と同じ内容でお届けを再開できます。");
  });

  it("never offers a restart on a date already past: it names the earliest delivery and says their date has passed", () => {
    const r = reminder("2026-10-01", "2026-12-05")!;
    expect(r.restartOn).toBe("2026-12-05");
    expect(r.title).toEqual({ ja: "2026年12月5日からの再開のご案内", en: "Restarting from 5 Dec 2026" });
    expect(r.description.ja).toBe("お伝えいただいた2026年10月1日を過ぎました。2026年12月5日から、以前と同じ内容でお届けを再開できます。");
    expect(r.message.en).toContain("From 5 Dec 2026");
  });

  it("is written again when its restart date moves (a list read days later)", () => {
    const decided = reminder("2026-12-03", "2026-12-03")!;
    const later = rerenderComeback(decided, undefined, sub, { restartOn: "2026-12-08", today: "2026-12-03", settings })!;
    expect(later.restartOn).toBe("2026-12-08");
    expect(later.title.ja).toBe("2026年12月8日からの再開のご案内");
    expect(later.description.ja).toContain("2026年12月3日を過ぎました");
    expect(later.message.ja).not.toContain("2026年12月3日から");
  });
});

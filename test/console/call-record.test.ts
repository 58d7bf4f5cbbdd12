import { describe, expect, it } from "vitest";
import { callRecordOf, readOutScript } from "../../src/console/karte";

describe("the cancel form's record of the call", () => {
  const page = { lang: "ja" as const, today: "2026-12-03", timeZone: "Asia/Tokyo" };
  const now = new Date("2026-12-03T01:00:00Z"); // 10:00 in Tokyo

  it("keeps the operator's tick with the words ticked, the language read in and the call, each only when given", () => {
    expect(callRecordOf({ acknowledgeFee: "true", disclosedIn: "en", callId: " CALL-1 ", callStartedAt: "09:45" }, page, now)).toEqual({
      acknowledgeFee: true,
      acknowledgementWording: "解約手数料を読み上げ、お客様の了承を得ました",
      disclosedIn: "en",
      call: { startedAt: "2026-12-03T00:45:00Z", callId: "CALL-1" },
    });
    expect(callRecordOf({ disclosedIn: "fr", callStartedAt: "nine", callId: "  " }, page, now)).toEqual({});
  });

  it("a start later than now was yesterday's call (one that ran past midnight)", () => {
    expect(callRecordOf({ callStartedAt: "23:50" }, page, now)).toEqual({ call: { startedAt: "2026-12-02T14:50:00Z" } });
  });

  it("reads the disclosures in the caller's language: the end date, the delivery that still ships, the total and the fee", () => {
    const info = {
      commitment: null,
      chargesIfCanceledNow: [
        { type: "final_delivery", amount: { amount: 3980, currency: "JPY" }, basis: "…" },
        { type: "early_cancellation_fee", amount: { amount: 5000, currency: "JPY" }, basis: "…" },
      ],
      cutoff: { rule: "…", nextDeliveryOn: "2026-12-05", nextDeliveryStoppedIfCanceledNow: false },
      effectiveOnIfCanceledNow: "2026-12-05",
      status: "active",
    };
    const en = readOutScript("en", info, page.today, true).join(" ");
    expect(en).toContain("ends on");
    expect(en).toContain("is already being prepared, so it will be sent and charged as the last one");
    expect(en).toContain("charges of ¥8,980 including tax");
    expect(en).toContain("the early-cancellation fee is ¥5,000");
    // Said with its tax basis first, as a voice reads a price (総額表示); the fee as disclosed.
    expect(readOutScript("ja", info, page.today, true).join("")).toContain("解約に伴うご請求は、合計税込8,980円です。このうち解約手数料は5,000円です。");
    expect(readOutScript("en", info, page.today, false).join(" ")).toContain("charges of ¥8,980 plus tax");
    // A fee alone: no delivery's price in it, no basis said; the fee said once, not as a total and again as its part.
    const feeOnly = { ...info, chargesIfCanceledNow: [info.chargesIfCanceledNow[1]!] };
    expect(readOutScript("ja", feeOnly, page.today, true).join("")).toContain("解約に伴うご請求は、解約手数料の5,000円です。");
    expect(readOutScript("ja", feeOnly, page.today, true).join("")).not.toContain("このうち");
    // With the commitment known, its basis is read first; the delivery that still ships counts.
    const committed = { ...info, commitment: { acknowledgeFeeRequired: true, basis: "…", minDeliveries: 4, deliveriesCompleted: 1 } };
    expect(readOutScript("ja", committed, page.today, true).join("")).toContain("この定期コースには4回のお受け取りのお約束があり、これまでのお受け取りは2回、残りは2回です。");
    expect(readOutScript("en", committed, page.today, true).join(" ")).toContain("a commitment of 4 deliveries; 2 received so far, 2 to go.");
  });
});

import { describe, expect, it } from "vitest";
import { DUE_WAIT_DAYS, dueOutcome } from "../../src/winback/due";
import { isContactable } from "../../src/winback/service";

/** Who is sent `winback.due` when their date comes: the candidates list's rule, nothing stricter. */
describe("winback.due: who is sent it", () => {
  const customer = { keepInTouch: null as boolean | null, marketingConsent: true, email: "hanako@example.jp" as string | null, phone: null as string | null, erasedAt: null as string | null, profilingOptOut: false };
  const record = (over: Partial<Parameters<typeof dueOutcome>[0]> = {}) => ({ holdout: false, reactivatedAt: null, contactable: true, planCanceled: true, dueOn: "2026-12-03", ...over });

  it("a customer who never answered keep-in-touch but gave marketing consent may be contacted; any \"no\" wins", () => {
    expect(isContactable(customer)).toBe(true);
    expect(isContactable({ ...customer, keepInTouch: true, marketingConsent: false })).toBe(true);
    expect(isContactable({ ...customer, keepInTouch: false })).toBe(false);
    expect(isContactable({ ...customer, marketingConsent: false })).toBe(false);
    expect(isContactable({ ...customer, erasedAt: "2026-12-01T00:00:00Z" })).toBe(false);
    expect(isContactable({ ...customer, email: null })).toBe(false);
  });

  it("a customer who objected to profiling is not contacted, whatever their consent (as for no consent)", () => {
    expect(isContactable({ ...customer, profilingOptOut: true })).toBe(false);
    expect(isContactable({ ...customer, keepInTouch: true, profilingOptOut: true })).toBe(false);
  });

  it("sent when contactable, not held out, the plan still cancelled; skipped otherwise", () => {
    expect(dueOutcome(record(), "2026-12-03")).toBe("send");
    expect(dueOutcome(record({ contactable: false }), "2026-12-03")).toBe("skip");
    expect(dueOutcome(record({ holdout: true }), "2026-12-03")).toBe("skip");
    expect(dueOutcome(record({ planCanceled: false }), "2026-12-03")).toBe("skip");
    expect(dueOutcome(record({ reactivatedAt: "2026-12-02T00:00:00Z" }), "2026-12-03")).toBe("skip");
  });

  it(`a record that waited for an endpoint goes out up to ${DUE_WAIT_DAYS} days past its date, not later`, () => {
    expect(dueOutcome(record({ dueOn: "2026-11-03" }), "2026-12-03")).toBe("send");
    expect(dueOutcome(record({ dueOn: "2026-11-02" }), "2026-12-03")).toBe("skip");
  });
});

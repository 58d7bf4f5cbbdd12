import { describe, expect, it } from "vitest";
import { FINGERPRINTS_DROPPED_AT, keepsContactFingerprints } from "../../src/settings/schemas";

describe("whether an erasure keeps contact fingerprints, by the shop's stored settings", () => {
  const at = "2026-12-02T10:00:00.000Z";

  it("keeps them by default and while the setting is on", () => {
    expect(keepsContactFingerprints({}, at)).toBe(true);
    expect(keepsContactFingerprints(null, at)).toBe(true);
    expect(keepsContactFingerprints({ keepContactFingerprints: true }, at)).toBe(true);
  });

  it("keeps none while the setting is off", () => {
    expect(keepsContactFingerprints({ keepContactFingerprints: false, [FINGERPRINTS_DROPPED_AT]: "2026-12-02T09:00:00.000Z" }, at)).toBe(false);
  });

  it("turned on again, keeps only those erased after the latest turn-off (the job drops the others, the check ignores them)", () => {
    const on = (droppedAt: string) => keepsContactFingerprints({ keepContactFingerprints: true, [FINGERPRINTS_DROPPED_AT]: droppedAt }, at);
    expect(on("2026-12-02T09:59:59.999Z")).toBe(true);
    expect(on(at)).toBe(false);
    expect(on("2026-12-02T10:00:00.001Z")).toBe(false);
  });
});

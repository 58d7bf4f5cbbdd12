import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/platform/errors";
import { DEFAULT_SETTINGS } from "../../src/settings/schemas";
import type { SubscriptionRow } from "../../src/subscriptions/repository";
import { UpsertSubscriptionBody } from "../../src/subscriptions/schemas";
import { planSubscriptionSync } from "../../src/subscriptions/sync";

const ctx = { now: new Date("2026-12-02T03:00:00Z"), settings: DEFAULT_SETTINGS };
const body = (over: Record<string, unknown> = {}) =>
  UpsertSubscriptionBody.parse({
    customerId: "C-1",
    product: { sku: "AOJIRU-30", name: "青汁" },
    quantity: 1,
    intervalDays: 30,
    nextDeliveryOn: "2026-12-17",
    unitPrice: { amount: 3980, currency: "JPY" },
    status: "active",
    startedAt: "2026-05-01T01:00:00Z",
    deliveriesCompleted: 5,
    ...over,
  });
const stored = (over: Partial<SubscriptionRow>): SubscriptionRow => ({ ...planSubscriptionSync("ten_x", "S-1", body(), undefined, ctx).row, ...over });
/** Cancelled by the customer in a cancel flow, as its confirmation stores it. */
const byCustomer = stored({ status: "canceled", nextDeliveryOn: null, canceledAt: "2026-12-01T21:26:37.744Z", cancellation: { flowId: "cf_1", channel: "web", effectiveOn: "2026-12-02", stoppedDeliveryOn: "2026-12-17", confirmationNumber: "CN-20261202-VSB3M4" } });

describe("a sync and a cancellation", () => {
  it("a plan the customer cancelled in a cancel flow is not made active or paused by a sync: 409 naming the day (shop's zone) and the receipt", () => {
    for (const over of [{}, { status: "paused", pausedUntil: "2027-01-10" }]) {
      let refused: unknown;
      try {
        planSubscriptionSync("ten_x", "S-1", body(over), byCustomer, ctx);
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(ApiError);
      const e = refused as ApiError;
      const detail = e.detail as { ja: string; en: string };
      expect(e.code).toBe("subscription_canceled");
      expect(detail.ja).toContain("2026年12月2日にお客様ご自身が解約されています（受付番号 CN-20261202-VSB3M4）");
      expect(detail.en).toContain("POST /v1/subscriptions/S-1/reactivate");
    }
  });

  it("synced canceled, its other fields still update and its cancellation stays", () => {
    const plan = planSubscriptionSync("ten_x", "S-1", body({ status: "canceled", unitPrice: { amount: 4200, currency: "JPY" } }), byCustomer, ctx);
    expect(plan.row).toMatchObject({ status: "canceled", unitPriceAmount: 4200, cancellation: { confirmationNumber: "CN-20261202-VSB3M4" } });
    expect(plan).toMatchObject({ restarted: false, newCancellation: false });
  });

  it("a plan the cart cancelled may be restarted by it: a restart, its cancellation summary closed", () => {
    const byCart = stored({ status: "canceled", nextDeliveryOn: null, canceledAt: "2026-12-01T00:00:00Z", cancellation: { channel: "api", effectiveOn: "2026-12-01" } });
    const plan = planSubscriptionSync("ten_x", "S-1", body(), byCart, ctx);
    expect(plan).toMatchObject({ restarted: true, row: { status: "active", canceledAt: null, cancellation: null }, write: { cancellation: null } });
  });

  it("the cart cancelling a live plan that still carries an old summary: the summary is not this cancellation's, so the cart may restart it later", () => {
    const stale = stored({ cancellation: byCustomer.cancellation });
    const canceled = planSubscriptionSync("ten_x", "S-1", body({ status: "canceled" }), stale, ctx);
    expect(canceled.row).toMatchObject({ status: "canceled", cancellation: null });
    expect(planSubscriptionSync("ten_x", "S-1", body(), canceled.row, ctx)).toMatchObject({ restarted: true, row: { status: "active" } });
  });

  it("the cart's reason for a cancellation: kept as the summary's reason (channel api); given later it moves; absent keeps it; null removes it; a code the shop lacks is refused; the customer's own summary stands", () => {
    const reasons = new Set(["too_expensive", "moving", "other"]);
    const withReasons = { ...ctx, reasons };
    const canceled = (over: Record<string, unknown> = {}) => body({ status: "canceled", canceledAt: "2026-11-20T00:00:00Z", nextDeliveryOn: null, ...over });
    const first = planSubscriptionSync("ten_x", "S-1", canceled({ cancellationReason: "too_expensive" }), stored({}), withReasons);
    expect(first).toMatchObject({ canceledNow: true, newCancellation: true, reasonChanged: false, row: { cancellation: { reason: "too_expensive", channel: "api" } } });
    const moved = planSubscriptionSync("ten_x", "S-1", canceled({ cancellationReason: "moving" }), first.row, withReasons);
    expect(moved).toMatchObject({ changed: true, newCancellation: false, reasonChanged: true, row: { cancellation: { reason: "moving", channel: "api" } } });
    expect(planSubscriptionSync("ten_x", "S-1", canceled(), moved.row, withReasons)).toMatchObject({ changed: false, reasonChanged: false });
    expect(planSubscriptionSync("ten_x", "S-1", canceled({ cancellationReason: null }), moved.row, withReasons)).toMatchObject({ changed: true, reasonChanged: true, row: { cancellation: null } });
    // Live plans carry no reason: it is read for a cancellation only.
    expect(planSubscriptionSync("ten_x", "S-1", body({ cancellationReason: "moving" }), undefined, withReasons).row.cancellation).toBeNull();
    expect(() => planSubscriptionSync("ten_x", "S-1", canceled({ cancellationReason: "pricey" }), undefined, withReasons)).toThrow(expect.objectContaining({ code: "unknown_reason", extra: expect.objectContaining({ errors: [expect.objectContaining({ path: "cancellationReason" })] }) }));
    const customers = planSubscriptionSync("ten_x", "S-1", canceled({ cancellationReason: "other" }), byCustomer, withReasons);
    expect(customers).toMatchObject({ reasonChanged: false, row: { cancellation: byCustomer.cancellation } });
  });
});

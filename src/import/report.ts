import { Instant } from "../platform/openapi";
import { cadenceText } from "../platform/cadence";
import { localDateTime, utcInstant } from "../platform/dates";
import { formatMoney } from "../platform/numbers";
import type { CustomerRow } from "../customers/repository";
import type { SubscriptionRow } from "../subscriptions/repository";
import { changeText } from "../sync/after-export";
import type { KeptRow, RowChange } from "./batches";
import { readCell } from "./mapping";

/**
 * `--exported-at` as the merchant writes it: an RFC 3339 instant (`2026-12-02T09:00:00+09:00`), or
 * a date and time (`2026-12-02 09:00`, `2026/12/02 9:00`) or a date alone read in the shop's time
 * zone — a date alone as its first minute (00:00), so every change made in Tsuzuku that day is kept
 * from the export, whatever hour it was made. Throws with what was written when it is neither.
 */
export function readExportedAt(raw: string, timeZone: string): string {
  const instant = Instant.safeParse(raw.trim());
  if (instant.success) return instant.data;
  try {
    // In the stored form (`…sssZ`), which the history's times are compared with as text.
    return utcInstant(readCell(raw, "instant", timeZone) as string);
  } catch {
    throw new Error(`--exported-at "${raw}" is not a date and time: write 2026-12-02 09:00 (the shop's time), 2026-12-02, or 2026-12-02T09:00:00+09:00`);
  }
}

/**
 * A value as the list of changes writes it: text as it is, empty as "—"; a line break (an address
 * on two lines in a quoted cell) as `\n`, as the warnings quote it, so each item stays on one line.
 */
const shown = (v: unknown) => (v === null || v === undefined || v === "" ? "—" : String(v).replace(/\r\n|\r|\n/g, "\\n"));

/** The subscription's fields as the list names them, each with how it is written (`money`: unit price; interval in words; dates as stored). */
const SUBSCRIPTION_FIELDS: { label: string; of: (r: SubscriptionRow, timeZone: string) => string }[] = [
  { label: "status", of: (r) => r.status },
  { label: "next delivery", of: (r) => shown(r.nextDeliveryOn) },
  { label: "paused until", of: (r) => shown(r.pausedUntil) },
  { label: "quantity", of: (r) => String(r.quantity) },
  { label: "interval", of: (r) => cadenceText(r, "en") + (r.intervalMonths && r.deliveryDay ? ` (day ${r.deliveryDay})` : "") },
  { label: "price", of: (r) => formatMoney({ amount: r.unitPriceAmount, currency: r.currency }, "en") },
  { label: "product", of: (r) => shown(`${r.productSku} ${r.productName}`) },
  { label: "customer", of: (r) => r.customerId },
  { label: "deliveries", of: (r) => String(r.deliveriesCompleted) },
  { label: "started", of: (r, tz) => localDateTime(new Date(r.startedAt), tz) },
  { label: "cancelled", of: (r, tz) => (r.canceledAt ? localDateTime(new Date(r.canceledAt), tz) : "—") },
  { label: "reason", of: (r) => shown(r.cancellation?.reason) },
  { label: "commitment", of: (r) => (r.commitmentMinDeliveries === null ? "—" : `${r.commitmentMinDeliveries} deliveries${r.commitmentFeeAmount !== null ? `, fee ${formatMoney({ amount: r.commitmentFeeAmount, currency: r.commitmentFeeCurrency ?? r.currency }, "en")}` : ""}`) },
];

const CUSTOMER_FIELDS: { label: string; of: (r: CustomerRow) => string }[] = [
  { label: "name", of: (r) => shown(r.name) },
  { label: "reading", of: (r) => shown(r.nameKana) },
  { label: "email", of: (r) => shown(r.email) },
  { label: "phone", of: (r) => shown(r.phone) + (r.phoneExtension ? ` ext. ${r.phoneExtension}` : "") },
  { label: "postal code", of: (r) => shown(r.postalCode) },
  { label: "address", of: (r) => shown(r.address) },
  { label: "marketing consent", of: (r) => (r.marketingConsent ? "yes" : "no") },
  { label: "acquisition source", of: (r) => shown(r.acquisitionSource) },
  { label: "locale", of: (r) => shown(r.locale) },
];

/**
 * One line per customer or subscription a row creates or changes, in file order:
 * `changed line 4 (S-2): status paused → active; next delivery 2027-01-10 → 2026-12-20`, or for a
 * new one `new line 2 (S-1): status active; next delivery 2026-12-05; quantity 1; …`.
 */
export function changeLines(changes: RowChange[], timeZone: string): string[] {
  const sorted = [...changes].sort((a, b) => a.line - b.line || (a.kind === b.kind ? 0 : a.kind === "customer" ? -1 : 1));
  return sorted.map((c) => {
    const fields =
      c.kind === "subscription"
        ? SUBSCRIPTION_FIELDS.map((f) => ({ label: f.label, before: c.before ? f.of(c.before, timeZone) : null, after: f.of(c.after, timeZone) }))
        : CUSTOMER_FIELDS.map((f) => ({ label: f.label, before: c.before ? f.of(c.before) : null, after: f.of(c.after) }));
    if (!c.before) {
      const said = fields.filter((f) => f.after !== "—").map((f) => `${f.label} ${f.after}`);
      return `new line ${c.line} (${c.id}): ${c.kind}; ${said.join("; ")}`;
    }
    const moved = fields.filter((f) => f.before !== f.after).map((f) => `${f.label} ${f.before} → ${f.after}`);
    // A change only in what the list does not show (a keep-in-touch answer, a stored form of the same value).
    return `changed line ${c.line} (${c.id}): ${moved.length ? moved.join("; ") : "stored form only"}`;
  });
}

/** `kept line 12 (S-1001): paused in Tsuzuku 2026-12-02 10:14 (ivr), after the export; not overwritten`. */
export function keptLine(k: KeptRow, timeZone: string): string {
  return `kept line ${k.line} (${k.id}): ${changeText(k.change, timeZone)}, after the export; not overwritten`;
}

import { ApiError } from "../platform/errors";

/**
 * The one rule that keeps an erased person erased (data-rights/erase): their record — the
 * customer row under its pseudonym, and the subscriptions, flows and win-back rows under it —
 * takes no writes. Every path that writes on a customer's behalf asks here first: the customer
 * sync (`PUT /v1/customers/{id}`, `POST /v1/sync`, `npm run import`, all through
 * customers/sync `syncedCustomer`), the subscription sync (the customer it names and the one it
 * is stored under), events, customer sessions, keep-in-touch answers and reactivation. Plan
 * changes and cancel flows need no check of their own: an erased person's subscriptions are all
 * canceled (erasure refuses live ones) and, with these refused, stay so.
 *
 * 409 `customer_erased` rather than 404: the id is a pseudonym (`erased_…`) the merchant already
 * reads on the person's subscriptions, or a subscription it already reads, so the answer tells
 * nothing the caller could not see; the merchant's old id names nothing any more and syncs as a
 * fresh customer, so nothing links it to the pseudonym.
 */
export function refuseErased(customer: { id: string; erasedAt: string | null } | null | undefined, path = "customerId"): void {
  if (!customer?.erasedAt) return;
  throw new ApiError(
    "customer_erased",
    { en: `Customer ${customer.id} was erased; its record takes no writes.`, ja: `顧客 ${customer.id} は消去済みのため、変更できません。` },
    { errors: [{ path, message: { en: `Erased customer ${customer.id}`, ja: `消去済みの顧客です: ${customer.id}` } }] },
  );
}

import { expect } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "./harness";

/** What `syncedPlan` changes of the default bodies: the customer's and the subscription's fields, the next delivery `nextIn` shop days (Asia/Tokyo) ahead, the key it syncs with (default: the tenant's own). */
export type SyncedPlanOptions = { customer?: Record<string, unknown>; subscription?: Record<string, unknown>; nextIn?: number; key?: string };

/**
 * A customer and one subscription of theirs, synced as a shop does (PUT /v1/customers/{id}, then
 * PUT /v1/subscriptions/{id}), each asserted 201: the starting point of most tests of a plan.
 */
export async function syncedPlan(h: Pick<Harness, "request">, tenant: TestTenant, options: SyncedPlanOptions = {}): Promise<{ customerId: string; subscriptionId: string }> {
  const key = options.key ?? tenant.key;
  const customerId = uid("C");
  const customer = await h.request("PUT", `/v1/customers/${customerId}`, { key, body: customerBody(options.customer) });
  expect(customer.status, JSON.stringify(customer.body)).toBe(201);
  const subscriptionId = uid("S");
  const next = options.nextIn === undefined ? {} : { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), options.nextIn) };
  const subscription = await h.request("PUT", `/v1/subscriptions/${subscriptionId}`, { key, body: subscriptionBody(customerId, { ...next, ...options.subscription }) });
  expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
  return { customerId, subscriptionId };
}

/**
 * A plan the default offers are shown on: three deliveries and 100 days in, the next 20 shop days
 * ahead, its customer without a phone or an email. The subscription's id.
 */
export async function offerablePlan(h: Pick<Harness, "request">, tenant: TestTenant): Promise<string> {
  const startedAt = `${addDays(localDate(new Date(), "Asia/Tokyo"), -100)}T01:00:00Z`;
  return (await syncedPlan(h, tenant, { customer: { phone: null, email: null }, nextIn: 20, subscription: { startedAt, deliveriesCompleted: 3 } })).subscriptionId;
}

/**
 * A customer with one canceled subscription, erased (`DELETE /v1/customers/{id}`): the pseudonym
 * (`erased_…`) their record is kept under, as the subscription reads it — an id that takes no writes.
 */
export async function erasedCustomer(h: Pick<Harness, "request">, tenant: TestTenant): Promise<string> {
  const { customerId, subscriptionId } = await syncedPlan(h, tenant, { subscription: { status: "canceled" } });
  expect((await h.request("DELETE", `/v1/customers/${customerId}`, { key: tenant.key })).status).toBe(200);
  const pseudonym = (await h.request("GET", `/v1/subscriptions/${subscriptionId}`, { key: tenant.key })).body.customerId as string;
  expect(pseudonym).toMatch(/^erased_/);
  return pseudonym;
}

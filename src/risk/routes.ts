import { sql } from "drizzle-orm";
import { audited } from "../platform/audit";
import { CustomerIdParam } from "../customers/schemas";
import { prefetchWithKey } from "../platform/auth";
import { offTheRequestPath } from "../platform/off-thread";
import { language } from "../platform/language";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonResponse, jsonText, page } from "../platform/openapi";
import { decodeCursor } from "../platform/pagination";
import { SubscriptionIdParam } from "../subscriptions/schemas";
import {
  activeModel,
  AT_RISK_CURSOR, atRiskCursor,
  atRiskDocument,
  customerRiskDocument,
  modelView,
  atRiskPageJson,
  readCustomerRisks,
  readSubscriptionRisk,
  subscriptionRiskDocument,
  notScoredRisk,
  toRisk,
  fitTenantModel,
  saveTenantModel,
} from "./repository";
import type { RiskBand } from "./model";
import { NOT_SCORED_PROFILING } from "../customers/profiling";
import { AtRiskQuery, CustomerRisk, Risk, RiskModelView, SubscriptionRisk, TrainResponse } from "./schemas";

const tags = ["Risk"];
const AtRiskPage = page(Risk);

// Risk reads are on the operator's screen and the IVR path: they ride with the key check.
prefetchWithKey("GET /v1/subscriptions/{subscriptionId}/risk", {
  plan: (_c, [id]) => ({ shape: "one", values: { id } }),
  statement: (tenant) => subscriptionRiskDocument(tenant, sql.placeholder("id")),
});
prefetchWithKey("GET /v1/customers/{customerId}/risk", {
  plan: (_c, [id]) => ({ shape: "one", values: { id } }),
  statement: (tenant) => customerRiskDocument(tenant, sql.placeholder("id")),
});
prefetchWithKey("GET /v1/risk/at-risk", {
  plan: (c) => {
    const q = AtRiskQuery.safeParse(c.req.query());
    // An invalid query or cursor reads nothing here: the route validates and answers.
    if (!q.success) return null;
    const after = atRiskCursor(decodeCursor(q.data.cursor, AT_RISK_CURSOR, [q.data.band]));
    return { shape: `${q.data.band ?? "all"} ${after ? "after" : "first"}`, values: { take: q.data.limit + 1, ...after } };
  },
  statement: (tenant, shape) => {
    const [band, page] = shape.split(" ");
    const after = page === "after" ? { revenue: sql.placeholder("revenue"), id: sql.placeholder("id") } : undefined;
    return atRiskDocument(tenant, band === "all" ? undefined : (band as RiskBand), sql.placeholder("take"), after);
  },
});

export const riskRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}/risk",
      operationId: "getSubscriptionRisk",
      tags,
      scope: "read",
      summary: "Churn risk of a subscription",
      description:
        "The probability that the subscription is cancelled within 60 days, as a 0–100 score and a band, with the drivers that explain it (largest effect first, in the caller's language) and named patterns in `flags`. Kept current as data arrives; reading it is one indexed row. A customer who asked to be left out of profiling (`Customer.profilingOptOut`) is not scored: `score`, `probability` and `band` are null and `notScoredReason` is `profiling_opt_out` (not \"low\").",
      request: { params: SubscriptionIdParam },
      errors: ["subscription_not_found"],
      responses: { 200: jsonResponse(SubscriptionRisk, "The subscription's risk, or none and why") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const { sub, risk } = await readSubscriptionRisk(c.get("store"), subscriptionId, c.get("services").now(), c.get("caller").settings.timeZone, c.get("prefetched"));
      return c.json(risk ? { ...toRisk(risk, language(c)), notScoredReason: null } : notScoredRisk(sub.id, sub.customerId), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}/risk",
      operationId: "getCustomerRisk",
      tags,
      scope: "read",
      summary: "Churn risk of a customer",
      description: "The customer's live subscription most likely to be cancelled, and the scores of all their subscriptions. A customer who asked to be left out of profiling: `notScoredReason: profiling_opt_out`, no scores.",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(CustomerRisk, "The customer's risk") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const { optedOut, rows } = await readCustomerRisks(c.get("store"), customerId, c.get("prefetched"));
      const lang = language(c);
      const all = rows.map((r) => ({ ...toRisk(r.risk, lang), status: r.status }));
      const live = rows.filter((r) => r.status !== "canceled").sort((a, b) => b.risk.probability - a.risk.probability);
      const top = live[0];
      return c.json({ customerId, notScoredReason: optedOut ? NOT_SCORED_PROFILING : null, highest: top ? toRisk(top.risk, lang) : null, subscriptions: all }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/risk/at-risk",
      operationId: "listAtRisk",
      tags,
      scope: "read",
      summary: "Subscriptions to reach out to first",
      description:
        "Live subscriptions ordered by expected revenue at risk — probability of cancelling within 60 days × the value of the next year of deliveries — highest first. Filter by `band`. Customers who asked to be left out of profiling (`Customer.profilingOptOut`) are not scored and so never listed.",
      request: { query: AtRiskQuery },
      responses: { 200: jsonResponse(AtRiskPage, "A page of subscriptions at risk") },
    }),
    async (c) => {
      const { band, limit, cursor } = c.req.valid("query");
      const body = await atRiskPageJson(c.get("store"), band, limit, decodeCursor(cursor, AT_RISK_CURSOR, [band]), language(c), c.get("prefetched"));
      return jsonText(c, AtRiskPage, body);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/risk/model",
      operationId: "getRiskModel",
      tags,
      scope: "read",
      summary: "The model that scores this shop",
      description:
        "The tenant's active model — trained on its own history — or the documented default model when none has been trained or none beat it. Coefficients are log-odds per unit of each feature, labelled in the caller's language.",
      responses: { 200: jsonResponse(RiskModelView, "The active model") },
    }),
    async (c) => c.json(modelView(await activeModel(c.get("store")), language(c)), 200),
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/risk/model/train",
      operationId: "trainRiskModel",
      tags,
      scope: "admin",
      summary: "Train a model on this shop's history",
      description:
        "Builds snapshots of every subscription at past dates (features as of that date, replayed from events and plan changes; label: cancelled within the next 60 days), fits a logistic model on the earlier snapshots and measures it on the latest quarter (time hold-out). It becomes active only if its hold-out AUC beats the default model's on the same hold-out; all subscriptions are then re-scored in the background. Too little history → 422 `insufficient_history`.",
      request: { headers: IdempotencyHeaders },
      errors: ["insufficient_history"],
      responses: { 200: jsonResponse(TrainResponse, "The trained model's hold-out report") },
    }),
    async (c) => {
      // The fit reads the whole history: off the request path where the runtime has a read worker.
      const [store, now, timeZone] = [c.get("store"), c.get("services").now(), c.get("caller").settings.timeZone];
      const fitted = await offTheRequestPath(c.get("services").offThread, "fitRiskModel", { tenantId: store.tenantId, now: now.toISOString(), timeZone }, () => fitTenantModel(store, now, timeZone));
      const result = await saveTenantModel(store, fitted, now);
      // Training reads the whole history outside any transaction; its record is written after.
      await audited(c, async () => result, (r) => ({ action: "model.trained", target: { type: "model", id: r.version }, details: { active: r.active, auc: r.auc } }));
      return c.json(result, 200);
    },
  );

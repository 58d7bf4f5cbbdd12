import { lintFields } from "../offers/lint";
import { audited } from "../platform/audit";
import { ApiError } from "../platform/errors";
import { sql } from "drizzle-orm";
import { prefetchWithKey } from "../platform/auth";
import { offTheRequestPath } from "../platform/off-thread";
import { language, requestedLanguage } from "../platform/language";
import { utf8Bytes, whenWritten } from "../platform/json-text";
import { decodeCursor } from "../platform/pagination";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, jsonText } from "../platform/openapi";
import type { Principal } from "../platform/env";
import type { TenantStore } from "../platform/tenancy";
import { CANDIDATES_CURSOR, candidatesDocument, candidatesFilter, candidatesPage, candidatesPageJson, type CandidatesLang } from "./candidates";
import { CustomerIdParam } from "../customers/schemas";
import { getCustomer } from "../customers/repository";
import { refuseErased } from "../data-rights/erased";
import { CandidatePage, CandidatesQuery, ExitSurvey, KeepInTouch, PutExitSurveyBody, PutKeepInTouchBody, WinbackModelView, WinbackTrainResult } from "./schemas";
import { fitTenantWinbackModel, saveTenantWinbackModel, winbackModelView } from "./train";
import { CONSENT_SOURCE } from "../platform/consent-source";
import { isContactable, loadSurvey, recordKeepInTouch, saveSurvey } from "./service";
import { DEFAULT_EXIT_SURVEY, DEFAULT_KEEP_IN_TOUCH, type ExitSurveyQuestion } from "./survey";

const tags = ["Win-back"];


async function keepInTouchView(store: TenantStore, customerId: string, lang: "ja" | "en") {
  const [customer, survey] = await Promise.all([getCustomer(store, customerId), loadSurvey(store)]);
  return { customerId: customer.id, keepInTouch: customer.keepInTouch, keepInTouchAt: customer.keepInTouchAt, contactable: isContactable(customer), wording: survey.keepInTouchWording[lang] };
}

// The list is read page after page by a shop's tooling: its page rides with the key check.
prefetchWithKey("GET /v1/winback/candidates", {
  plan: (c) => {
    const q = CandidatesQuery.safeParse(c.req.query());
    // An invalid query or cursor reads nothing here: the route validates and answers.
    // `due=now` goes the long way (winback/candidates): nothing to read here.
    if (!q.success || q.data.due !== undefined) return null;
    const after = decodeCursor(q.data.cursor, CANDIDATES_CURSOR, candidatesFilter(q.data));
    return { shape: `${requestedLanguage(c) ?? "tenant"} ${after ? "after" : "first"}`, values: { take: q.data.limit + 1, ...(after ? { value: after[0], id: after[1] } : {}) } };
  },
  statement: (tenant, shape) => {
    const [lang, page] = shape.split(" ") as [CandidatesLang, string];
    return candidatesDocument(tenant, lang, sql.placeholder("take"), page === "after" ? { value: sql.placeholder("value"), id: sql.placeholder("id") } : null);
  },
});

export const winbackRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/exit-survey",
      operationId: "getExitSurvey",
      tags,
      scope: "read",
      summary: "The shop's exit survey",
      description: "The questions a customer may answer when cancelling (all optional) and the keep-in-touch wording, in ja and en. The default survey until the shop sets its own.",
      responses: { 200: jsonResponse(ExitSurvey, "The survey in force") },
    }),
    async (c) => c.json(await loadSurvey(c.get("store")), 200),
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/exit-survey",
      operationId: "putExitSurvey",
      tags,
      scope: "admin",
      summary: "Set the exit survey",
      description:
        "Replaces the survey: up to 10 questions (`choice` with option codes, or `text`) and the keep-in-touch wording. Takes back what `GET /v1/exit-survey` answers, so a survey can be read, edited and sent back whole (its read-only `custom` is ignored). Every prompt, option and the wording pass the phrase lint the offer catalogue uses (no pressure, no shaming): 422 `survey_copy_rejected` names the field and phrase. Starting a cancel flow shows it; answering never blocks confirming.",
      request: {
        headers: IdempotencyHeaders,
        body: jsonBody(PutExitSurveyBody, { questions: DEFAULT_EXIT_SURVEY.slice(0, 2) as ExitSurveyQuestion[] as never, keepInTouchWording: DEFAULT_KEEP_IN_TOUCH }),
      },
      errors: ["survey_copy_rejected"],
      responses: { 200: jsonResponse(ExitSurvey, "The survey now in force") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const fields: Record<string, string> = { "keepInTouchWording.ja": body.keepInTouchWording.ja, "keepInTouchWording.en": body.keepInTouchWording.en };
      body.questions.forEach((q, i) => {
        for (const l of ["ja", "en"] as const) {
          fields[`questions.${i}.prompt.${l}`] = q.prompt[l];
          q.options?.forEach((o, j) => (fields[`questions.${i}.options.${j}.label.${l}`] = o.label[l]));
        }
      });
      const findings = lintFields(fields);
      if (findings.length > 0) {
        throw new ApiError("survey_copy_rejected", { en: `${findings[0]!.field}: 「${findings[0]!.phrase}」 — ${findings[0]!.reason.en}`, ja: `${findings[0]!.field}: 「${findings[0]!.phrase}」 — ${findings[0]!.reason.ja}` }, {
          errors: findings.map((f) => ({ path: f.field, message: `${f.rule}: ${f.phrase}` })),
        });
      }
      const saved = await audited(
        c,
        (s) => saveSurvey(s, { questions: body.questions as ExitSurveyQuestion[], keepInTouchWording: body.keepInTouchWording }, c.get("services").now().toISOString()),
        (r) => ({ action: "exit_survey.updated", details: { questions: r.questions.map((q) => q.id) } }),
      );
      return c.json(saved, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/customers/{customerId}/keep-in-touch",
      operationId: "getKeepInTouch",
      tags,
      scope: "read",
      customer: true,
      summary: "The customer's keep-in-touch answer",
      description: "Whether the customer wants to hear from the shop after cancelling, when they said so, and the question's wording in the caller's language. Callable with the customer's own session (the portal shows it with a way to withdraw).",
      request: { params: CustomerIdParam },
      errors: ["customer_not_found"],
      responses: { 200: jsonResponse(KeepInTouch, "The current answer") },
    }),
    async (c) => c.json(await keepInTouchView(c.get("store"), c.req.valid("param").customerId, language(c)), 200),
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/customers/{customerId}/keep-in-touch",
      operationId: "putKeepInTouch",
      tags,
      scope: "write",
      customer: true,
      summary: "Answer or withdraw keep-in-touch",
      description:
        "Records the customer's answer with its evidence (the wording in the caller's language, the time, and where: `portal` for a customer session, `console` for an operator, `api` for a key); `false` withdraws at any time and takes the customer off the win-back candidates at once, and in the same transaction drops their `winback.due` not yet delivered (queued, retrying, or held by a paused endpoint): it is never sent. The same answer again records nothing new.",
      request: { params: CustomerIdParam, headers: IdempotencyHeaders, body: jsonBody(PutKeepInTouchBody, { keepInTouch: false }) },
      errors: ["customer_not_found", "customer_erased"],
      responses: { 200: jsonResponse(KeepInTouch, "The answer now in force") },
    }),
    async (c) => {
      const { customerId } = c.req.valid("param");
      const { keepInTouch } = c.req.valid("json");
      const lang = language(c);
      const at = c.get("services").now().toISOString();
      const source = CONSENT_SOURCE[c.get("caller").principal.kind];
      const store = c.get("store");
      await store.write(async (s) => {
        const customer = await getCustomer(s, customerId);
        refuseErased(customer, "path.customerId");
        if (customer.keepInTouch === keepInTouch) return;
        const survey = await loadSurvey(s);
        await recordKeepInTouch(s, customer, keepInTouch, { source, at, wording: survey.keepInTouchWording[lang], language: lang });
      });
      return c.json(await keepInTouchView(store, customerId, lang), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/winback/candidates",
      operationId: "listWinbackCandidates",
      tags,
      scope: "read",
      summary: "Whom to contact first to win back",
      description:
        "Canceled subscriptions whose customer may be contacted (their keep-in-touch answer, or without one their marketing consent; a \"no\" at cancellation wins; never an erased customer, never the holdout; not a cancellation the customer has come back from — the plan restarted, or a new plan of the same product (`product.sku`) synced live with a `startedAt` after it, which the win-back figures count as reactivated; not a cancellation a sync or an import recorded that will never be contacted — older than 180 days, or `winbackDelayDays` when longer, when it was recorded, or passed over when it fell due — which the win-back figures still count), ordered by expected recovered value — probability of reactivating within 180 days × a year of their deliveries — highest first. Each comes with drivers in the caller's language and the comeback offer the shop's offer engine suggests for the reason — one whose own `eligibility.reasons` include the reason given, as in a cancel flow; when none was given, only an offer open to every reason of the shop's list (else the reminder of a named return date, or null) — its copy passed through the phrase lint; the customer takes it with `POST /v1/subscriptions/{subscriptionId}/reactivate { offerId }`. `customerId` narrows the list to one customer (what a `winback.due` receiver reads); `due=now` to the candidates whose `dueOn` has come (whom to contact now: without it, a cancellation of an hour ago is listed beside due ones, by its expected value).",
      request: { query: CandidatesQuery },
      responses: { 200: jsonResponse(CandidatePage, "A page of candidates") },
    }),
    async (c) => {
      const { limit, cursor, customerId, due } = c.req.valid("query");
      const q = { limit, after: decodeCursor(cursor, CANDIDATES_CURSOR, candidatesFilter({ customerId, due })) ?? null, lang: language(c), settings: c.get("caller").settings, now: c.get("services").now(), ...(customerId !== undefined ? { customerId } : {}), ...(due !== undefined ? { due } : {}) };
      // As SQL wrote it when every row of the page is current; else the long way (the same answer).
      // One customer's few rows: the long way through their own index; `due=now`: the long way too.
      const bytes = customerId === undefined && due === undefined ? await candidatesPageJson(c.get("store"), q, c.get("prefetched"), whenWritten(c.env)) : null;
      return jsonText(c, CandidatePage, bytes ?? utf8Bytes(JSON.stringify(await candidatesPage(c.get("store"), q))));
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/winback/model",
      operationId: "getWinbackModel",
      tags,
      scope: "read",
      summary: "The model that says who will come back",
      description: "The shop's active win-back model — trained on its own cancellations and reactivations — or the documented default model. Coefficients are log-odds per unit of each feature.",
      responses: { 200: jsonResponse(WinbackModelView, "The active model") },
    }),
    async (c) => c.json(await winbackModelView(c.get("store")), 200),
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/winback/model/train",
      operationId: "trainWinbackModel",
      tags,
      scope: "admin",
      summary: "Train a win-back model on this shop's history",
      description:
        "Snapshots of each cancellation at the day it happened and 90 days later (label: reactivated within the next 180 days; only snapshots whose 180 days have passed), fitted by the same trainer as the risk model and measured on the latest quarter (time hold-out). Adopted only if its hold-out AUC beats the default model's; the open records are then re-scored. Too little history → 422 `insufficient_history`.",
      request: { headers: IdempotencyHeaders },
      errors: ["insufficient_history"],
      responses: { 200: jsonResponse(WinbackTrainResult, "The hold-out report") },
    }),
    async (c) => {
      // The fit reads every cancellation: off the request path where the runtime has a read worker.
      const [store, now, timeZone] = [c.get("store"), c.get("services").now(), c.get("caller").settings.timeZone];
      const fitted = await offTheRequestPath(c.get("services").offThread, "fitWinbackModel", { tenantId: store.tenantId, now: now.toISOString(), timeZone }, () => fitTenantWinbackModel(store, now, timeZone));
      const result = await saveTenantWinbackModel(store, fitted, now, timeZone);
      await audited(c, async () => result, (r) => ({ action: "model.trained", target: { type: "winback_model", id: r.version }, details: { active: r.active, auc: r.auc } }));
      return c.json(result, 200);
    },
  );

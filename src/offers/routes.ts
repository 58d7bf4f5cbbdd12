import type { z } from "@hono/zod-openapi";
import { audited } from "../platform/audit";
import { errorLanguage, language, type Language } from "../platform/language";
import { tenantReasons } from "../cancel-flows/reasons-repository";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, sameIdAsPath } from "../platform/openapi";
import { getSubscription } from "../subscriptions/repository";
import { DEFAULT_CATALOGUE, validateCatalogueOffer, type CatalogueOffer } from "./catalogue";
import { presentSuggestion } from "./present";
import { definitionOf, deleteOffer, findOffer, loadCatalogue, loadOutcomes, outcomeTotals, saveOffer, type OfferRow } from "./repository";
import { Offer, OfferIdParam, OfferList, PutOfferBody, SubscriptionIdParam, SuggestionList, SuggestionQuery } from "./schemas";
import { suggestOffersFor } from "./service";
import { declinedLately, presentDeclined } from "../cancel-flows/declined-lately";
import type { OutcomeTable } from "./bandit";

const tags = ["Offers"];

/** A catalogue offer in the shape `PUT /v1/offers/{offerId}` takes. */
function offerBody(o: CatalogueOffer) {
  return {
    type: o.type,
    parameters: o.parameters as Record<string, unknown>,
    copy: o.copy,
    eligibility: o.eligibility,
    cost: o.costYen,
    prior: { alpha: o.priorAlpha, beta: o.priorBeta },
    active: o.active,
  };
}

function toOffer(row: OfferRow, outcomes: OutcomeTable): z.infer<typeof Offer> {
  const o = definitionOf(row);
  return {
    id: o.id,
    ...offerBody(o),
    templateVersion: o.templateVersion,
    outcomes: outcomeTotals(outcomes, o.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export const offersRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/offers",
      operationId: "listOffers",
      tags,
      scope: "admin",
      summary: "List the offer catalogue",
      description: "Every offer the shop can suggest in a cancel flow (active or not), with its eligibility, cost, prior and the accepts/declines recorded so far. A new shop starts with the default catalogue, all active but the product swap and the apology gift, which wait for the shop to name its product or gift.",
      responses: { 200: jsonResponse(OfferList, "The catalogue") },
    }),
    async (c) => {
      const now = c.get("services").now().toISOString();
      const [{ rows }, outcomes] = await Promise.all([loadCatalogue(c.get("store"), now), loadOutcomes(c.get("store"))]);
      return c.json({ data: rows.map((r) => toOffer(r, outcomes)), nextCursor: null }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/offers/{offerId}",
      operationId: "getOffer",
      tags,
      scope: "admin",
      summary: "Get one offer",
      request: { params: OfferIdParam },
      errors: ["offer_not_found"],
      responses: { 200: jsonResponse(Offer, "The offer") },
    }),
    async (c) => {
      const { offerId } = c.req.valid("param");
      const row = await findOffer(c.get("store"), offerId, c.get("services").now().toISOString());
      if (!row) throw new ApiError("offer_not_found", { en: `No offer ${offerId}.`, ja: `特典 ${offerId} は見つかりません。` });
      return c.json(toOffer(row, await loadOutcomes(c.get("store"))), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/offers/{offerId}",
      operationId: "putOffer",
      tags,
      scope: "admin",
      summary: "Create or replace an offer",
      description:
        "Copy is checked before it is stored: every template must pass the phrase lint (no health claims, no \"stopping will harm you\", no confirmshaming, no false urgency) and state the real terms (a discount its price afterwards and its end, a pause its resume date, a quantity or product change its new price) and name the deliveries as applied (a discount, a gift or a product swap starts with the first delivery that can still be changed — the one after the next when the next is inside the change cut-off — so its copy names them with `{discountedDeliveries}`/`{firstChangedDelivery}` or a date, never 「次回」「次の」/\"next\": `copy_assumes_next_delivery`) and say nothing its terms contradict (a discount of N deliveries as lasting — 「ずっと」, \"forever\", 「毎回」 without the deliveries: `copy_discount_forever`; a discount figure other than its own — 「半額」「50%OFF」 on a 10% discount: `copy_discount_misstated`; conditions that point elsewhere — 「※条件あり。詳しくはサイトで」, \"conditions apply\": `copy_hidden_terms`; a commitment the offer does not have — 「継続が条件」, 「縛り」, 「解約できません」, \"minimum commitment\": `copy_added_commitment`; 無料/0円/free on an offer other than a gift: `copy_false_free`). Health claims include cosmetic and health-food efficacy beyond the permitted claims (シミ・シワが消える, 「必ず」「100%」 an effect, 治る/改善 for a condition, a doctor's endorsement) — otherwise 422 `offer_copy_rejected` naming each field and phrase: each refusal is in `errors[]` with the field's `path`, its `code` (`copy_<rule>`), the `phrase` and the `rule`. `templateVersion` goes up whenever the copy changes. Answers 201 when new.",
      request: {
        params: OfferIdParam,
        headers: IdempotencyHeaders,
        // The example is the default catalogue's own skip offer, so it always passes the copy lint.
        body: jsonBody(PutOfferBody, offerBody(DEFAULT_CATALOGUE.find((o) => o.id === "off_skip_next")!) as z.infer<typeof PutOfferBody>),
      },
      errors: ["offer_copy_rejected", "invalid_offer"],
      responses: { 200: jsonResponse(Offer, "The updated offer"), 201: jsonResponse(Offer, "The new offer") },
    }),
    async (c) => {
      const { offerId } = c.req.valid("param");
      const b = c.req.valid("json");
      sameIdAsPath(b.id, offerId);
      const now = c.get("services").now().toISOString();
      const existing = await findOffer(c.get("store"), offerId, now);
      const previous = existing ? definitionOf(existing) : undefined;
      const copyChanged = !previous || JSON.stringify(previous.copy) !== JSON.stringify(b.copy);
      const offer = {
        id: offerId,
        type: b.type,
        parameters: b.parameters,
        copy: b.copy,
        templateVersion: previous ? previous.templateVersion + (copyChanged ? 1 : 0) : 1,
        eligibility: b.eligibility,
        costYen: b.cost,
        priorAlpha: b.prior.alpha,
        priorBeta: b.prior.beta,
        active: b.active,
      } as CatalogueOffer;
      const problems = validateCatalogueOffer(offer);
      if (problems.length > 0) {
        const copy = problems.filter((p) => p.code.startsWith("copy_") || p.code === "missing_disclosure" || p.code === "unknown_placeholder" || p.code === "empty_copy");
        const lang = errorLanguage(c);
        const errors = problems.map((p) => ({ path: p.path, message: p.message[lang], code: p.code, ...(p.finding ? { phrase: p.finding.phrase, rule: p.finding.rule } : {}) }));
        const listed = (ps: typeof problems, l: Language) => ps.map((p) => `${p.path}: ${p.message[l]}`).join(" ");
        if (copy.length > 0) {
          throw new ApiError("offer_copy_rejected", { en: `The copy breaks ${copy.length} rule(s): ${listed(copy, "en")}`, ja: `文言が${copy.length}件のルールに反しています: ${listed(copy, "ja")}` }, { errors });
        }
        throw new ApiError("invalid_offer", { en: listed(problems, "en"), ja: listed(problems, "ja") }, { errors });
      }
      const { row, created } = await audited(
        c,
        (s) => saveOffer(s, offer, now),
        (r) => ({ action: r.created ? "offer.created" : "offer.updated", target: { type: "offer", id: offerId }, details: { type: offer.type, active: offer.active, templateVersion: offer.templateVersion } }),
      );
      return c.json(toOffer(row, await loadOutcomes(c.get("store"))), created ? 201 : 200);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/offers/{offerId}",
      operationId: "deleteOffer",
      tags,
      scope: "admin",
      summary: "Delete an offer",
      description: "It is no longer suggested. Flows that showed it keep their evidence; a deleted default offer does not come back (PUT it again to restore it).",
      request: { params: OfferIdParam },
      errors: ["offer_not_found"],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const { offerId } = c.req.valid("param");
      const deleted = await audited(
        c,
        (s) => deleteOffer(s, offerId, c.get("services").now().toISOString()),
        (done) => (done ? { action: "offer.deleted", target: { type: "offer", id: offerId } } : null),
      );
      if (!deleted) throw new ApiError("offer_not_found", { en: `No offer ${offerId}.`, ja: `特典 ${offerId} は見つかりません。` });
      return c.body(null, 204);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/subscriptions/{subscriptionId}/offers",
      operationId: "suggestOffers",
      customer: true,
      tags,
      scope: "read",
      summary: "Offers that fit this subscription and reason",
      description:
        "Eligible offers ranked by expected retained value: save probability (learned from this shop's own accepts and declines for the reason, with the catalogue prior) × value if the customer stays − the offer's cost. Each comes with its concrete terms for this subscription and copy in the caller's language; `channel=operator` adds a talk track. A canceled subscription gets none, and so does a plan shown an offer in the last 30 days that the customer did not take, on any channel (an operator's included): `data` is empty and `declinedOffer` says which offer and when.",
      request: { params: SubscriptionIdParam, query: SuggestionQuery },
      errors: ["subscription_not_found", "unknown_reason"],
      responses: { 200: jsonResponse(SuggestionList, "Ranked offers, best first") },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid("param");
      const q = c.req.valid("query");
      await getSubscription(c.get("store"), subscriptionId);
      if (q.reason !== undefined) {
        if (!(await tenantReasons(c.get("store"))).some((r) => r.code === q.reason)) {
          throw new ApiError("unknown_reason", { en: `Unknown reason ${q.reason}; see GET /v1/cancellation-reasons.`, ja: `解約理由 ${q.reason} は登録されていません。GET /v1/cancellation-reasons をご確認ください。` }, { errors: [{ path: "query.reason", message: "Unknown reason" }] });
        }
      }
      const lang = language(c);
      // A customer session sees the offers of its own channel (`web`): never an operator's talk track.
      const channel = (c.get("caller").channel ?? q.channel) as typeof q.channel;
      const now = c.get("services").now().toISOString();
      // One rule on every channel (cancel-flows/declined-lately): an offer shown lately and not taken, none again.
      const declined = await declinedLately(c.get("store"), subscriptionId, now);
      if (declined) return c.json({ subscriptionId, reason: q.reason ?? null, channel, data: [], declinedOffer: presentDeclined(declined, lang) }, 200);
      const offers = await suggestOffersFor(c.get("store"), subscriptionId, {
        ...(q.reason !== undefined ? { reason: q.reason } : {}),
        channel,
        now,
        limit: q.limit,
        settings: c.get("caller").settings,
      });
      // Operators see what the centre has seen for each offer and reason (the console cannot read /v1/metrics).
      const outcomes = channel === "operator" ? await loadOutcomes(c.get("store")) : null;
      return c.json({ subscriptionId, reason: q.reason ?? null, channel, data: offers.map((o) => presentSuggestion(o, lang, outcomes?.get(o.reason, o.offerId))), declinedOffer: null }, 200);
    },
  );

import { Hono, type Context } from "hono";
import { karteHref } from "./format";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { DEMO_API_KEY, demoServed } from "../demo/seed";
import { RetentionQuery, retentionMetricsOf, winbackMetricsOf } from "../metrics/routes";
import { retentionCsv, winbackCsv } from "../metrics/csv";
import { csvResponse } from "../platform/csv";
import { loadCatalogue } from "../offers/repository";
import { CONSOLE_COOKIE, consoleCsrfToken, resolveConsole } from "../platform/auth";
import { limitFailedAuth, limitPerKey } from "../platform/rate-limit";
import type { AppEnv } from "../platform/env";
import { ApiError, asApiError, problemBody } from "../platform/errors";
import { databaseFailure } from "../db/client";
import { mayHaveApplied, retryAfterSeconds, retryDelay } from "../platform/retry";
import { localDate, writeDate } from "../platform/dates";
import { formatMoney } from "../platform/numbers";
import { displayPhone, isWithheldCallerId, normalizeEmail, parsePhone } from "../platform/phone";
import { TenantStore } from "../platform/tenancy";
import { ASSETS } from "./assets.generated";
import { reactivationStart, reactivationWindow, type ReactivationWindow } from "../plan-changes/rules";
import { canceledPlanOf } from "../plan-changes/apply";
import { feeOnReactivation } from "../cancel-flows/terms";
import { continuationOf, endingOf, type FlowEvidence } from "../cancel-flows/continuation";
import { openFlowOf } from "../cancel-flows/service";
import { callRecordOf, discountReadBack, ENDED_CODES, endingWords, KartePage, KnowledgeList, unreadOf, type Unread, localSurvey, proposedFirstDelivery, ReactivationPage, surveyAnswersOf, type ExitSurveyAnswer, type KarteData, type KnowledgeEntry, type Offer, type PlanOptions, type Sub, type TimelineItem } from "./karte";
import { Bare, Layout, type PageContext } from "./layout";
import { NameChooserPage, SharedPhoneChooserPage } from "./chooser";
import { customersAsMatches, searchByName, sharesPhone } from "../customers/search";
import { MetricsPage, metricsCsvHeaders, metricsCsvRowName, metricsRowNames } from "./metrics";
import { changeCallOf, changedPathOf, changedWords, fieldRefusalOf, fieldRefusalOfQuery, fieldRefusalWords, type FieldRefusal } from "./plan";
import { endConsoleSession, peekLogin, redeemLogin, shopName } from "./sessions";
import { inArray } from "drizzle-orm";
import { customers, subscriptions, winbacks } from "../db/schema";
import { AT_RISK_CURSOR, atRiskPageJson } from "../risk/repository";
import { AtRiskQuery } from "../risk/schemas";
import { AtRiskPage, type AtRiskPlan, type AtRiskRow } from "./at-risk";
import { decodeCursor } from "../platform/pagination";
import { CANDIDATES_CURSOR, candidatesFilter, candidatesPage } from "../winback/candidates";
import { CandidatesQuery } from "../winback/schemas";
import { winbackDataOf } from "../winback/service";
import { comebackOnRestart, takeableSentComeback } from "../winback/redeem";
import { presentComeback } from "../winback/comeback";
import { dueKey, keepInTouchState, WinbackPage, type Candidate, type DueState, type KarteWinback } from "./winback";
import { consoleError, consoleErrorCode, t, tf, type Lang } from "./strings";
import { ingestEvents } from "../events/routes";
import { fromThisOrigin, loopbackHost, publicOrigin } from "../platform/origin";

const LANG_COOKIE = "tsz_console_lang";
type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: any }>;
type Fetcher = { request: (input: string, init: RequestInit, env?: unknown) => Response | Promise<Response> };

/** `Secure` whenever the browser reaches the console over https, and on any host but loopback (plain http on a developer's machine). */
const needsSecureCookie = (origin: string) => {
  const url = new URL(origin);
  return url.protocol === "https:" || !loopbackHost(url.hostname);
};

/** A URL's path and query when it is a page of this console on this origin (a `Referer`), else `/console`. */
function sameOriginConsolePath(c: Context<AppEnv>, url: string | undefined): string {
  if (!url || !URL.canParse(url)) return "/console";
  const u = new URL(url);
  const to = u.origin === new URL(c.req.url).origin ? u.pathname + u.search : "/console";
  return to.startsWith("/console") ? to : "/console";
}

/** A merchant's customer id (platform/openapi MerchantId): text that is not one is searched as a name. */
const MERCHANT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Digits and the separators people put between them, optionally an extension (内線34, ext. 34, x34, #34): a number, or one mistyped (the page then says it is not one). */
const NUMBER_TYPED = /^[\d\s()+\-－ー０-９＋（）]+(?:(?:内線|ext\.?|x|#)\s*[\d０-９]+)?$/i;
/** A SIP or tel URI, as a softphone or CTI pastes a caller: its user part is the number (platform/phone parsePhone). */
const TELEPHONY_URI = /^\s*(?:"[^"]*"\s*)?<?(?:sips?|tel):/i;
/** The words an extension is written with, which are not a name's letters. */
const EXTENSION_WORD = /(?:内線|extension|ext\.?|x)(?=\s*[\d０-９])/giu;

/**
 * What the search box's text is: a phone number, an e-mail address, a customer id or a name. A
 * phone number is what the one normaliser (platform/phone parsePhone, in the shop's `country`)
 * reads as one, as the API's lookup does: besides digits with hyphens, spaces and brackets, a US
 * number written with dots (`415.555.0132`) or a slash, with a keypad's closing `#`, a SIP or tel
 * URI (`sip:+14155550132@pbx`, `tel:+1-415-555-0132`) — none of them is taken for an id, an
 * e-mail address or a name. Text with letters (other than an extension's word) is never a number:
 * an id such as `C-4155550132` stays an id.
 */
function searchedAs(raw: string, region: string): { phone: string } | { email: string } | { customer: string } | { name: string } {
  if (TELEPHONY_URI.test(raw) && parsePhone(raw, region)) return { phone: raw };
  if (raw.includes("@")) return { email: raw };
  if (NUMBER_TYPED.test(raw)) return { phone: raw };
  if (!/\p{L}/u.test(raw.normalize("NFKC").replace(EXTENSION_WORD, "")) && parsePhone(raw, region)) return { phone: raw };
  // Text no customer id can be (kana, kanji, a space) is a name: what a caller whose number is withheld says.
  return MERCHANT_ID.test(asIdsAreWritten(raw)) ? { customer: raw } : { name: raw };
}

/** An id as shops write them: an IME's full-width letters, digits and hyphen folded (NFKC), upper case (「ｃ－１０００１」 → `C-10001`). */
const asIdsAreWritten = (typed: string) => typed.normalize("NFKC").toUpperCase();

/**
 * The console's language: the operator's own choice (the header's button, kept in a cookie), else —
 * once the session names the shop — the shop's `locale` (an English shop's operators start in
 * English), else Japanese.
 */
const langOf = (c: Context<AppEnv>, shopLocale: Lang = "ja"): Lang => {
  const chosen = getCookie(c, LANG_COOKIE);
  return chosen === "en" || chosen === "ja" ? chosen : shopLocale;
};

/** A canceled subscription's reactivation dates under the operator's shop's rules (the API applies the same rule). */
const reactivationOf = (c: Context<AppEnv>, sub: Sub, today: string) => reactivationWindow(canceledPlanOf(sub), today, c.get("caller").settings);

/**
 * A read the page cannot do without (the lookup, the customer, their plans) answered "not now"
 * (karte `unreadOf`): the whole page is the one that says when to reload (pages.onError).
 */
function wholePageUnless(res: { status: number; body: any }) {
  const later = unreadOf(res);
  if (later) throw new ApiError(later.unread, undefined, { retryAfterSeconds: later.wait });
}

/**
 * Candidates as GET /v1/winback/candidates answers them — the same service (winback/candidates
 * `candidatesPage`), in the page's language and the shop's settings — called in-process: a page of
 * the list, or (`customerId`) one customer's rows.
 */
const candidatesFor = async (c: Context<AppEnv>, lang: Lang, q: { limit: number; after: [number, string] | null; customerId?: string; due?: "now" }) =>
  // An empty page comes back as the rows read (none): typed as the list's rows.
  (await candidatesPage(c.get("store"), { ...q, lang, settings: c.get("caller").settings, now: c.get("services").now() })) as { data: Candidate[]; nextCursor: string | null };

/**
 * A canceled subscription's win-back facts for the karte: the keep-in-touch answer as the API
 * answers it (with its evidence, to tell a withdrawal from a "no"), the return date the customer
 * named, and the plan's row of the candidates list — or why it is not on it.
 */
async function winbackOf(c: Context<AppEnv>, api: Api, lang: Lang, customerId: string, subscriptionId: string): Promise<KarteWinback | Unread | null> {
  const [current, held, listed, sent] = await Promise.all([
    api("GET", `/v1/customers/${encodeURIComponent(customerId)}/keep-in-touch`),
    winbackDataOf(c.get("store"), customerId),
    candidatesFor(c, lang, { limit: 100, after: null, customerId }),
    sentComebackFor(c, lang, subscriptionId),
  ]);
  if (current.status !== 200) return unreadOf(current);
  const record = held.winbacks.filter((w) => w.subscriptionId === subscriptionId && w.reactivatedAt === null).at(-1);
  const candidate = listed.data.find((r) => r.subscriptionId === subscriptionId) ?? null;
  return {
    keepInTouch: keepInTouchState(current.body, held.keepInTouchHistory),
    returnOn: held.exitSurveys.filter((x) => x.subscriptionId === subscriptionId).at(-1)?.returnOn ?? null,
    candidate,
    notListed: candidate ? null : !record ? "no_record" : record.holdout ? "holdout" : "not_contactable",
    sent,
  };
}

/** The offer `winback.due` carried for the plan, in the page's language, while it can be taken (see KarteWinback.sent). */
async function sentComebackFor(c: Context<AppEnv>, lang: Lang, subscriptionId: string): Promise<KarteWinback["sent"]> {
  const sent = await takeableSentComeback(c.get("store"), subscriptionId, c.get("services").now(), c.get("caller").settings);
  if (!sent || !sent.offer.offerId) return null;
  return { offerId: sent.offer.offerId, title: sent.offer.title[lang], description: sent.offer.description[lang], sentOn: sent.sentOn, validUntil: sent.validUntil, type: sent.offer.type, parameters: sent.offer.parameters };
}

/**
 * The comeback offer `offerId` for `subscriptionId` restarting on `restartOn` (the first delivery
 * the operator chose), in the page's language, as `POST …/reactivate` would apply it
 * (winback/redeem `comebackOnRestart`); null when the customer can no longer take it.
 */
async function comebackAt(c: Context<AppEnv>, lang: Lang, subscriptionId: string, offerId: string, restartOn: string) {
  try {
    const o = await comebackOnRestart(c.get("store"), subscriptionId, offerId, restartOn, c.get("services").now(), c.get("caller").settings);
    return o ? presentComeback(o, lang) : null;
  } catch (e) {
    if (e instanceof ApiError) return null;
    throw e;
  }
}

/**
 * The karte's win-back facts with the comeback offer made concrete for the first delivery the
 * reactivation form proposes (`proposedFirstDelivery`), where the list's `restartOn` is another
 * date: the operator reads out the deliveries a reactivation from that date would discount. Kept
 * as listed when the offer does not apply to that restart.
 */
async function proposedComeback(c: Context<AppEnv>, lang: Lang, sub: Sub, w: ReactivationWindow, held: KarteWinback): Promise<KarteWinback> {
  const offer = held.candidate?.offer;
  if (!held.candidate || !offer || offer.kind !== "offer" || !offer.offerId) return held;
  const first = "continuesOn" in w ? w.continuesOn : proposedFirstDelivery(w, sub, held, c.get("caller").settings.closedDates);
  if (first === offer.restartOn) return held;
  const shown = await comebackAt(c, lang, sub.id, offer.offerId, first);
  return shown ? { ...held, candidate: { ...held.candidate, offer: shown } } : held;
}

/**
 * The operator console's pages under /console: server-rendered with Hono's JSX. Every figure on
 * them comes from the API itself (`app` is the whole API; pages call it in-process with the
 * operator's cookie), so the console can do exactly what an operator's session may do — read and
 * write on one shop — and nothing else.
 */
export function consolePages(app: Fetcher) {
  const pages = new Hono<AppEnv>();

  // Security headers and CSP: platform/csp (consoleSecurityHeaders), applied in app.ts.

  for (const [name, asset] of Object.entries(ASSETS)) {
    pages.get(`/console/assets/${name}`, (c) => c.body(asset.body, 200, { "content-type": asset.type, "cache-control": "public, max-age=300" }));
  }

  // A wrong login token counts as a refused credential, like a wrong key: past the limit the
  // address gets 429, answered as a page by pages.onError (here, not in app.ts, for that).
  pages.use("/console/login", limitFailedAuth);

  /** Opens the one-time URL `token` in this browser: the console cookie for its session, then `to` (a console page) or the start. */
  async function signIn(c: Context<AppEnv>, token: string, to: string | undefined): Promise<Response> {
    const lang = langOf(c);
    const session = token ? await redeemLogin(c.get("services").db, token, c.get("services").now()) : null;
    if (!session) {
      // (the link: an operator still signed in on this browser goes on where they were)
      return c.html(<Bare lang={lang} title={t(lang, "sessionEnded")}><p>{t(lang, "sessionEndedNote")}</p><p><a href="/console">{t(lang, "console")}</a></p></Bare>, 401);
    }
    setCookie(c, CONSOLE_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "Lax",
      secure: needsSecureCookie(publicOrigin(c)),
      path: "/",
      expires: new Date(session.expiresAt),
    });
    return c.redirect(to && to.startsWith("/console") ? to : "/console", 303);
  }

  /**
   * The session this browser is signed in with now, if it is still open (null: none, or ended).
   * `csrf`: for the switch's form post, whose token must be this session's (else csrf_rejected).
   */
  async function signedIn(c: Context<AppEnv>, csrf?: string) {
    if (!getCookie(c, CONSOLE_COOKIE)) return null;
    try {
      return await resolveConsole(c, csrf);
    } catch (e) {
      if (e instanceof ApiError && e.code === "session_expired") return null;
      throw e;
    }
  }

  /** The https check before a one-time URL is opened; a page when it fails. */
  async function refusedOverHttp(c: Context<AppEnv>): Promise<Response | null> {
    // Plain http to a host other than loopback: the browser would drop the Secure cookie and the
    // operator would read "session ended" with the one-time URL spent. Say so before redeeming it.
    const origin = publicOrigin(c);
    if (needsSecureCookie(origin) && new URL(origin).protocol !== "https:") {
      const lang = langOf(c);
      return c.html(<Bare lang={lang} title={t(lang, "httpsRequiredTitle")}><p>{t(lang, "httpsRequired")}</p></Bare>, 403);
    }
    return null;
  }

  /**
   * A one-time URL. In a browser already signed in to the console, a link for the same shop and
   * operator just continues (a fresh session); one for another shop or another operator is not
   * opened at once: the page says who is signed in now and whom the link is for, and switches only
   * when the operator says so (the form below, with the current session's CSRF token) — a link
   * followed by mistake, or sent by someone else, does not silently replace the operator's session.
   */
  pages.get("/console/login", async (c) => {
    const refused = await refusedOverHttp(c);
    if (refused) return refused;
    const token = c.req.query("token") ?? "";
    const to = c.req.query("to");
    const current = token ? await signedIn(c) : null;
    if (current && current.principal.kind === "console") {
      const { db, now, secretsKey } = c.get("services");
      const link = await peekLogin(db, token, now());
      if (link && (link.tenantId !== current.tenantId || link.operatorId !== current.principal.operatorId)) {
        const lang = langOf(c, current.settings.locale);
        const shop = (await shopName(db, current.tenantId)) ?? current.tenantId;
        const csrf = await consoleCsrfToken(secretsKey, current.principal.sessionId);
        return c.html(
          <Bare lang={lang} title={t(lang, "switchTitle")}>
            <dl class="disclosures">
              <dt>{t(lang, "switchNow")}</dt>
              <dd>{tf(lang, "switchWho", { operator: current.principal.operatorName, shop })}</dd>
              <dt>{t(lang, "switchLink")}</dt>
              <dd>{tf(lang, "switchWho", { operator: link.operatorName, shop: link.shopName })}</dd>
            </dl>
            <p>{tf(lang, "switchNote", { operator: current.principal.operatorName })}</p>
            <div class="choices">
              <form method="post" action="/console/login">
                <input type="hidden" name="token" value={token} />
                <input type="hidden" name="csrf" value={csrf} />
                {to ? <input type="hidden" name="to" value={to} /> : null}
                <button type="submit" class="primary">{tf(lang, "switchTo", { operator: link.operatorName })}</button>
              </form>
              <a class="button" href="/console">{tf(lang, "switchStay", { operator: current.principal.operatorName })}</a>
            </div>
          </Bare>,
        );
      }
    }
    // Signed in nowhere, and the URL came from another site (Fetch Metadata): a page elsewhere could
    // have sent this browser a URL of another shop (login CSRF), so the operator sees whose it is first.
    // A URL opened from a desktop CTI or typed ("none") or from the shop's own site signs in at once.
    if (!current && token && c.req.header("sec-fetch-site") === "cross-site") {
      const link = await peekLogin(c.get("services").db, token, c.get("services").now());
      if (link) {
        const lang = langOf(c);
        return c.html(
          <Bare lang={lang} title={t(lang, "confirmTitle")}>
            <dl class="disclosures">
              <dt>{t(lang, "switchLink")}</dt>
              <dd>{tf(lang, "switchWho", { operator: link.operatorName, shop: link.shopName })}</dd>
            </dl>
            <p>{t(lang, "confirmNote")}</p>
            <div class="choices">
              <form method="post" action="/console/login">
                <input type="hidden" name="token" value={token} />
                {to ? <input type="hidden" name="to" value={to} /> : null}
                <button type="submit" class="primary">{tf(lang, "confirmTo", { operator: link.operatorName })}</button>
              </form>
            </div>
          </Bare>,
        );
      }
    }
    return signIn(c, token, to);
  });

  /**
   * The switch or the sign-in the login page asked about. A switch carries the current session's
   * CSRF token, and ends that session. Either must come from this origin when the browser names one:
   * a page elsewhere posting a URL of its own shop would otherwise sign the browser in to it.
   */
  pages.post("/console/login", async (c) => {
    const refused = await refusedOverHttp(c);
    if (refused) return refused;
    const form = await formOf(c);
    let current: Awaited<ReturnType<typeof signedIn>>;
    try {
      if (!fromThisOrigin(c)) throw new ApiError("csrf_rejected");
      current = await signedIn(c, form.csrf ?? "");
    } catch (e) {
      if (!(e instanceof ApiError && e.code === "csrf_rejected")) throw e;
      const lang = langOf(c);
      return c.html(
        <Bare lang={lang} title={t(lang, "csrfTitle")}>
          <p role="alert">{t(lang, "csrfRejected")}</p>
          <p><a href="/console">{t(lang, "console")}</a></p>
        </Bare>,
        403,
      );
    }
    const res = await signIn(c, form.token ?? "", form.to);
    // Signed in as the link's operator: the session it replaced ends (its cookie is gone from this browser).
    if (res.status === 303 && current && current.principal.kind === "console") await endConsoleSession(new TenantStore(c.get("services").db, current.tenantId), current.principal.sessionId, c.get("services").now());
    return res;
  });

  /** Resolves the operator from the cookie (and for a form post, its CSRF field), or answers the ended-session page. */
  async function operator(c: Context<AppEnv>, form?: Record<string, string>): Promise<{ page: PageContext; api: Api } | Response> {
    let lang = langOf(c);
    const cookie = getCookie(c, CONSOLE_COOKIE);
    try {
      if (!cookie) throw new ApiError("session_expired");
      const caller = await resolveConsole(c, form ? (form.csrf ?? "") : undefined);
      c.set("caller", caller);
      c.set("store", new TenantStore(c.get("services").db, caller.tenantId));
    } catch (e) {
      if (e instanceof ApiError && e.code === "csrf_rejected") {
        // The page the form was on, when it is one of this console's (else the console's start).
        const back = sameOriginConsolePath(c, c.req.header("referer"));
        return c.html(
          <Bare lang={lang} title={t(lang, "csrfTitle")}>
            <p role="alert">{t(lang, "csrfRejected")}</p>
            <p><a href={back}>{t(lang, "reloadPage")}</a></p>
          </Bare>,
          403,
        );
      }
      if (e instanceof ApiError && e.code === "session_expired") {
        return c.html(<Bare lang={lang} title={t(lang, "sessionEnded")}><p>{t(lang, "sessionEndedNote")}</p></Bare>, 401);
      }
      throw e;
    }
    // The page itself counts against the session's limit, as each of its /v1 calls does: the one
    // per-key limiter (platform/rate-limit), here once per page, whatever the page reads in-process
    // (contact notes, the win-back list, metrics). Over it: the 429 page (pages.onError).
    await limitPerKey(c, async () => {});
    const principal = c.get("caller").principal;
    if (principal.kind !== "console") throw new Error("console principal expected");
    lang = langOf(c, c.get("caller").settings.locale);
    const csrf = await consoleCsrfToken(c.get("services").secretsKey, principal.sessionId);
    const headers = { cookie: c.req.header("cookie") ?? "", "accept-language": lang, "x-csrf-token": csrf };
    const api: Api = async (method, path, body, extra = {}) => {
      const init: RequestInit = { method, headers: { ...headers, ...extra, ...(body !== undefined ? { "content-type": "application/json" } : {}) } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await app.request(path, init, c.env);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const timeZone = c.get("caller").settings.timeZone;
    const page = { lang, csrf, operatorName: principal.operatorName, supervisor: principal.role === "supervisor", timeZone, today: localDate(c.get("services").now(), timeZone), sessionEndsAt: principal.expiresAt };
    return { page, api };
  }

  async function formOf(c: Context<AppEnv>): Promise<Record<string, string>> {
    const form = await c.req.parseBody();
    return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
  }

  /**
   * Back to the karte after an action (post/redirect/get), with what happened: `error` is a code of
   * CONSOLE_ERRORS (consoleErrorCode), never text, which the karte shows in its own words.
   */
  /**
   * Back to the karte saying what happened; `flow`: the cancel flow a refused confirmation left
   * open, for the retry to reuse; `wait`: the seconds a temporary refusal's Retry-After named.
   */
  function backTo(c: Context<AppEnv>, form: Record<string, string>, outcome: { done: string; changed?: string } | { error: unknown; flow?: string; wait?: number | null; field?: FieldRefusal }) {
    const q = new URLSearchParams();
    if (form.customer) q.set("customer", form.customer);
    if (form.sub) q.set("sub", form.sub);
    // The reason stays while the cancel flow is open; a save closed it, so the karte no longer asks.
    const closed = "done" in outcome && (outcome.done === "saved" || outcome.done === "kept");
    if (form.reason && !closed) q.set("reason", form.reason);
    if ("done" in outcome) {
      q.set("done", outcome.done);
      // Which change, so the karte says what it did (plan changedWords) from the plan as it now is.
      if (outcome.changed) q.set("changed", outcome.changed);
    }
    else {
      q.set("error", consoleErrorCode(outcome.error));
      if (outcome.flow) q.set("flow", outcome.flow);
      if (outcome.wait) q.set("wait", String(outcome.wait));
      // A refused date goes back to its field: the date entered and the bound the API named (karte PlanChanges).
      if (outcome.field) {
        q.set("field", outcome.field.action);
        q.set("value", outcome.field.value);
        if (outcome.field.earliest) q.set("earliest", outcome.field.earliest);
        if (outcome.field.latest) q.set("latest", outcome.field.latest);
        if (outcome.field.open) q.set("open", outcome.field.open);
      }
    }
    return c.redirect(`/console?${q}`, 303);
  }

  pages.get("/console", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page, api } = who;
    const lang = page.lang;
    const q = c.req.query();
    const search = q.q ?? q.phone ?? q.email ?? q.customer ?? "";
    let by: { phone: string } | { email: string } | { customer: string } | { name: string } | null = null;
    let raw = "";
    if (q.customer) by = { customer: q.customer };
    else if (q.phone) by = { phone: (raw = q.phone) };
    else if (q.email) by = { email: (raw = q.email) };
    else if (q.q) {
      raw = q.q.trim();
      // A number with its extension, if any (the lookup picks by it), as the API reads numbers.
      by = searchedAs(raw, c.get("caller").settings.country);
    }
    if (!by) {
      return c.html(
        <Layout page={page} title={t(lang, "search")} searchFocus>
          <h1>{t(lang, "search")}</h1>
        </Layout>,
      );
    }
    if ("name" in by) {
      const found = await searchByName(c.get("store"), by.name);
      if (found && found.matches.length > 0) return c.html(<NameChooserPage page={page} typed={by.name} matches={found.matches} more={found.more} search={search} />);
      return c.html(
        <Layout page={page} title={t(lang, "noCustomer")} search={search} searchFocus>
          <h1>{t(lang, "noCustomer")}</h1>
          <p>{tf(lang, "noNameMatch", { name: by.name })}</p>
          <p>{t(lang, "searchHint")}</p>
        </Layout>,
        404,
      );
    }
    // Needs no customer: asked at once, beside the lookup (on a live call every round trip counts).
    const reasonsP = api("GET", `/v1/cancellation-reasons`);
    reasonsP.catch(() => {}); // awaited below, unless no customer answers: never an unhandled rejection
    // The number or e-mail as the lookup reads it (null: asked by customer id).
    let normal: string | null = null;
    if ("phone" in by && isWithheldCallerId(by.phone)) {
      // A caller ID that says there is no number: the caller withheld it, nothing was misread (as the API's 422 says).
      return c.html(
        <Layout page={page} title={t(lang, "noCustomer")} search={search} searchFocus>
          <h1>{t(lang, "noCustomer")}</h1>
          <p>{t(lang, "withheldCaller")}</p>
        </Layout>,
        404,
      );
    }
    if (!("customer" in by)) {
      const phone = "phone" in by ? parsePhone(by.phone, c.get("caller").settings.country) : null;
      // The extension goes with the number: among customers sharing it, the lookup picks the one with that extension.
      normal = "phone" in by ? (phone ? (phone.extension ? `${phone.e164} ext. ${phone.extension}` : phone.e164) : null) : (normalizeEmail(by.email)?.email ?? null);
      if (normal === null) {
        return c.html(
          <Layout page={page} title={t(lang, "noCustomer")} search={search} searchFocus>
            <h1>{t(lang, "noCustomer")}</h1>
            <p>
              {t(lang, "notAPhone")}: <code>{raw}</code>
            </p>
            {/* 6–8 digits: a landline's local number, typed without its area code. */}
            {"phone" in by && /^\d{6,8}$/.test(raw.replace(/\D/g, "")) ? <p>{t(lang, "areaCodeHint")}</p> : null}
          </Layout>,
          404,
        );
      }
    }
    /** The customer's plans, risk and timeline (and the reasons asked above). */
    const partsOf = (customerId: string) => {
      const id = encodeURIComponent(customerId);
      return Promise.all([api("GET", `/v1/customers/${id}/subscriptions?limit=100`), api("GET", `/v1/customers/${id}/risk`), api("GET", `/v1/customers/${id}/timeline?limit=30`), reasonsP]);
    };
    // Asked by id, the parts are asked beside the lookup, as they were beside the customer's read.
    const early = "customer" in by ? partsOf(by.customer) : null;
    early?.catch(() => {}); // awaited below, unless no customer answers
    // Every karte comes from the data dip, by id as by number or e-mail: the customer, and the
    // IVR's route, next best action and line of speech.
    const asked = "customer" in by ? `customerId=${encodeURIComponent(by.customer)}` : `${"phone" in by ? "phone" : "email"}=${encodeURIComponent(normal!)}`;
    const res = await api("GET", `/v1/lookup?${asked}&channel=operator`);
    if ("customer" in by && (res.status === 404 || res.status === 422)) {
      // No customer has the id: it may be a plan's — the 定期番号 a caller reads off the receipt or
      // delivery slip (「定期番号 S-…」) — as typed, with an IME's full width folded, or as ids are written.
      const planIds = [...new Set([by.customer.normalize("NFKC"), asIdsAreWritten(by.customer)])].filter((id) => MERCHANT_ID.test(id));
      for (const planId of planIds) {
        const plan = await api("GET", `/v1/subscriptions/${encodeURIComponent(planId)}`);
        if (plan.status === 200) return c.redirect(`/console?${new URLSearchParams({ customer: plan.body.customerId, sub: planId })}`, 303);
      }
      // Letters that are no customer's id may be a name in letters (Smith, yamada): the customers so named, if any.
      const named = q.q && !/[\d０-９]/.test(by.customer) ? await searchByName(c.get("store"), by.customer) : null;
      if (named && named.matches.length > 0) return c.html(<NameChooserPage page={page} typed={by.customer} matches={named.matches} more={named.more} search={search} />);
      // 404, or 422 for text no customer id can be: no karte, with what the search read.
      return c.html(
        <Layout page={page} title={t(lang, "noCustomer")} search={search} searchFocus>
          <h1>{t(lang, "noCustomer")}</h1>
          <p>
            <code>{by.customer}</code>
          </p>
          {/* Text with a digit is an id typed, not a name: say the id was not found (and offer its upper case, as ids are written). */}
          {/[\d０-９]/.test(by.customer) ? (
            <>
              <p>{t(lang, "noCustomerId")}</p>
              {asIdsAreWritten(by.customer) !== by.customer ? (
                <p>
                  <a href={karteHref(asIdsAreWritten(by.customer))}>{tf(lang, "searchAs", { id: asIdsAreWritten(by.customer) })}</a>
                </p>
              ) : null}
            </>
          ) : (
            <p>{t(lang, "searchHint")}</p>
          )}
        </Layout>,
        404,
      );
    }
    if (res.status === 404) {
      return c.html(
        <Layout page={page} title={t(lang, "noCustomer")} search={search} searchFocus>
          <h1>{t(lang, "noCustomer")}</h1>
          <p>
            {/* As the operator reads it back to the caller (090-1234-5678, 03-5555-6666 内線34), not E.164. */}
            {"phone" in by ? t(lang, "normalisedAs") : "E-mail"}: <strong class="normalised">{"phone" in by ? displayPhone(normal!, lang) : normal}</strong>
          </p>
          {/* The next step: the caller rings from another line, or the shop has another address: their name finds them. */}
          <p class="next-step">{t(lang, "notFoundByName")}</p>
        </Layout>,
        404,
      );
    }
    if (res.status === 409) {
      // A household's shared number: the same chooser as a name search (reading, plans, next delivery).
      const ids: string[] = res.body.candidates ?? [];
      return c.html(<SharedPhoneChooserPage page={page} matches={await customersAsMatches(c.get("store"), ids)} search={search} />);
    }
    // Without the customer there is no karte: the whole page says when to reload.
    wholePageUnless(res);
    if (res.status !== 200) throw new Error(`lookup answered ${res.status}`);
    const lookup = res.body;
    const customerId = lookup.customer.id as string;
    // Whether another live customer has the number (a household's line, the family chooser's case): one probe of customers_phone.
    const sharedP = lookup.customer.phone ? sharesPhone(c.get("store"), customerId, lookup.customer.phone as string) : Promise.resolve(false);
    const [subs, risk, timeline, reasons] = await (early ?? partsOf(customerId));
    const sharedPhone = await sharedP;
    // Without their plans there is no karte either.
    wholePageUnless(subs);
    const subscriptions: Sub[] = subs.body?.data ?? [];
    const live = subscriptions.filter((s) => s.status !== "canceled");
    const highest = risk.status === 200 ? risk.body.highest?.subscriptionId : null;
    const focus = subscriptions.find((s) => s.id === q.sub) ?? live.find((s) => s.id === highest) ?? live[0] ?? subscriptions[0] ?? null;
    const cancellable = focus !== null && focus.status !== "canceled";
    // The plan's open cancel flow, whatever channel started it (the web, the IVR, another operator):
    // the karte continues it — its reason, its offers, its confirmation — instead of starting another,
    // which would close it as abandoned (cancel-flows/service openFlowOf).
    const openRow = cancellable ? await openFlowOf(c.get("store"), focus.id, c.get("services").now()) : null;
    const picked = q.reason && (reasons.body?.data ?? []).some((r: { code: string }) => r.code === q.reason) ? q.reason : null;
    // A flow that has a reason keeps it: the picker shows the flow's, not the URL's.
    const reason = openRow?.reason ?? picked;
    const kq = new URLSearchParams({ limit: "5" });
    if (reason) kq.set("reason", reason);
    if (focus?.product.category) kq.set("category", focus.product.category);
    // A refused action on a flow that has ended since (another operator confirmed, the customer took an
    // offer on the web…): read to say how, by whom and when.
    const endedId = q.error && q.flow && q.flow !== openRow?.id ? q.flow : null;
    const [offers, knowledge, cancellation, survey, planOptions, held, flow, ended] = await Promise.all([
      // Only the observed save rates: which offers are on screen is the flow's reason step's to decide.
      cancellable && reason && openRow ? api("GET", `/v1/subscriptions/${encodeURIComponent(focus.id)}/offers?reason=${reason}&channel=operator&limit=20`) : null,
      api("GET", `/v1/knowledge?${kq}`),
      cancellable ? api("GET", `/v1/subscriptions/${encodeURIComponent(focus.id)}/cancellation-info`) : null,
      cancellable ? api("GET", "/v1/exit-survey") : null,
      cancellable ? api("GET", `/v1/subscriptions/${encodeURIComponent(focus.id)}/plan-options`) : null,
      focus?.status === "canceled" ? winbackOf(c, api, lang, customerId, focus.id) : null,
      // Its evidence, as the API answers it: where it is, the reason and comment, the offers shown.
      openRow ? api("GET", `/v1/cancel-flows/${encodeURIComponent(openRow.id)}`) : null,
      endedId ? api("GET", `/v1/cancel-flows/${encodeURIComponent(endedId)}`) : null,
    ]);
    // The other parts each say in their place that they could not be read just now (never "none").
    const unread: KarteData["unread"] = {};
    // The offers on screen are the open flow's: unread when it could not be read.
    const parts = { risk, timeline, reasons, offers: reason && openRow ? flow : null, knowledge, cancellation, exitSurvey: survey, planOptions, winback: held && "unread" in held ? held : null } as const;
    for (const [part, res] of Object.entries(parts)) {
      const u = res && "unread" in res ? res : unreadOf(res);
      if (u) unread[part as keyof typeof parts] = u;
    }
    const going = flow?.status === 200 && flow.body.subscriptionId === focus?.id ? continuationOf(flow.body as FlowEvidence) : null;
    const openFlow: TimelineItem | null = going ? { at: going.startedAt, kind: "cancel_flow", id: going.flowId, type: going.status, subscriptionId: focus!.id, channel: going.channel, data: { reason: going.reason } } : null;
    // Its reason step chose the offers (at most the shop's offersPerFlow, on whichever channel) and
    // recorded them as shown; the karte shows exactly those. (Not a reason the cancel form gave with
    // no offer on screen: that one asked for none.)
    const offersFlow = going && going.reason && going.noOfferBecause !== "operator_presented_none" ? going.flowId : null;
    // The disclosures are read in the caller's language: theirs when the shop has it, else the shop's.
    const disclosureLang: Lang = lookup.customer.locale === "en" || lookup.customer.locale === "ja" ? lookup.customer.locale : c.get("caller").settings.locale;
    const offeredNow = new Map(((offers?.status === 200 ? offers.body.data : []) as Offer[]).map((o) => [o.offerId, o]));
    // An offer the flow showed on the web or the IVR carries no talk track; the operator continuing the flow gets the
    // one the operator channel writes for the same offer today — only when its terms are the ones shown.
    const talkTrackOf = (o: (typeof going & {})["offers"][number]): Offer["talkTrack"] => {
      const own = o.talkTrack?.[lang] as Offer["talkTrack"] | undefined;
      if (own) return own;
      const now = offeredNow.get(o.offerId);
      return now && JSON.stringify(now.parameters) === JSON.stringify(o.parameters) ? now.talkTrack : null;
    };
    const flowOffers: Offer[] = (offersFlow ? going!.offers : []).map((o) => ({ offerId: o.offerId, type: o.type, parameters: o.parameters, title: o.title[lang] ?? "", description: o.description[lang] ?? "", talkTrack: talkTrackOf(o), talkTrackRead: disclosureLang !== lang ? ((o.talkTrack?.[disclosureLang] as Offer["talkTrack"] | undefined) ?? null) : null, ...(offeredNow.get(o.offerId)?.observedSaveRate ? { observedSaveRate: offeredNow.get(o.offerId)!.observedSaveRate! } : {}) }));
    const ending = ended?.status === 200 && ended.body.subscriptionId === focus?.id ? endingOf(ended.body as FlowEvidence) : null;
    const reactivation = focus?.status === "canceled" ? reactivationOf(c, focus, page.today) : null;
    const facts = held && "unread" in held ? null : held;
    const winback = facts && focus && reactivation ? await proposedComeback(c, lang, focus, reactivation, facts) : facts;
    const changedPath = changedPathOf(q.changed);
    const refusedField = q.error ? fieldRefusalOfQuery(q) : null;
    const refusedWords = refusedField ? fieldRefusalWords(refusedField, lang, page.today) : null;
    const fieldRefusal = refusedField && refusedWords ? { action: refusedField.action, value: refusedField.value, message: refusedWords } : null;
    // A save by an offer says which offer (the newest saved flow of the plan, as the timeline has it), so the operator can read it back.
    const keptBy = (q.done === "saved" || q.done === "kept") && focus ? ((timeline.body?.data ?? []) as TimelineItem[]).find((i) => i.kind === "cancel_flow" && i.subscriptionId === focus.id && i.type === "saved") : undefined;
    const keptTitle = (keptBy?.data.acceptedOffer as { title?: Record<Lang, string> } | null | undefined)?.title?.[lang];
    // Said back with its dates and prices (a discount: which deliveries, at what price, when the regular price returns; a restart: its first delivery).
    const readBack = q.done === "kept" && focus ? discountReadBack(focus, lang, page.today, c.get("caller").settings.pricesIncludeTax) : null;
    const done = keptTitle
      ? tf(lang, q.done === "saved" ? "doneSavedWith" : "doneKeptWith", { title: keptTitle }) + (readBack ? (lang === "ja" ? readBack : ` ${readBack}`) : "")
      : q.done === "reactivated" && focus?.nextDeliveryOn && focus.status !== "canceled"
        ? tf(lang, "doneReactivatedOn", { date: writeDate(focus.nextDeliveryOn, lang, "full", page.today) })
      : q.done && ["saved", "changed", "unchanged", "kept", "contact", "used", "reactivated"].includes(q.done)
        ? t(lang, `done_${q.done}` as "done_saved")
        : null;
    const data: KarteData = {
      customer: lookup.customer,
      sharedPhone,
      subscriptions,
      risk: risk.status === 200 ? risk.body : null,
      lookup,
      timeline: timeline.body?.data ?? [],
      reasons: reasons.body?.data ?? [],
      focus,
      reason,
      offers: flowOffers,
      offersFlow,
      disclosureLang,
      pricesIncludeTax: c.get("caller").settings.pricesIncludeTax,
      // The same list proposedComeback reads above: the reactivation form's proposed date and the comeback shown agree.
      closedDates: c.get("caller").settings.closedDates,
      knowledge: (knowledge.body?.data ?? []) as KnowledgeEntry[],
      cancellation: cancellation?.status === 200 ? cancellation.body : null,
      planOptions: planOptions?.status === 200 ? (planOptions.body as PlanOptions) : null,
      reactivation,
      exitSurvey: survey?.status === 200 ? localSurvey(survey.body as ExitSurveyAnswer, lang) : null,
      winback,
      openFlow,
      flow: going,
      offersJustShown: !!going && q.flow === going.flowId && !q.error,
      flowJustOpened: !!going && q.flow === going.flowId && !q.error && q.opened === "1",
      ending,
      notice: (changedPath && focus && (q.done === "changed" || q.done === "saved") ? changedWords(changedPath, focus, lang, page.today, q.done === "saved") : null) ?? done,
      // A refused date is said at its field (and focused there), not page-wide.
      // A flow that ended meanwhile: how, by whom and when, in words to say to the caller.
      error: fieldRefusal ? null : ending && ENDED_CODES.has(q.error ?? "") ? endingWords(ending, lang, page.timeZone) : consoleError(lang, q.error, Number(q.wait)),
      fieldRefusal,
      unread,
    };
    return c.html(<KartePage page={page} data={data} search={search} />);
  });

  /** One click, several calls: a double submit replays them (same keys) instead of writing twice. */
  const attemptKey = (form: Record<string, string>) => {
    const attempt = (form.attempt ?? "").slice(0, 64) || crypto.randomUUID();
    return (step: string) => ({ "idempotency-key": `console-${attempt}-${step}` });
  };

  /**
   * An action's refused call, answered. A "not now" (409 `idempotency_key_in_use`, 503, 429 with
   * Retry-After: platform/retry) on an action whose calls all carry the form's attempt key is a
   * page that posts the same form again after Retry-After seconds — the same attempt, so the same
   * Idempotency-Keys: a change the first send made is answered, not made again — counting its
   * sends in `retry` (a form without an attempt is never sent again: retryDelay). Past the rule's
   * bound, when the action may have applied (platform/retry mayHaveApplied), back to the karte
   * saying so in `unsettled`'s words (a CONSOLE_ERRORS code: reload and check before trying
   * again); anything else, back with the refusal (and the seconds to wait, when the API named
   * them). `flow`: the cancel flow left open, for the karte's retry to continue.
   */
  const refusalOf = (c: Context<AppEnv>, page: PageContext, form: Record<string, string>, unsettled = "idempotency_key_in_use") => (res: { status: number; body: any }, code: unknown = res.body?.code, flow?: string) => {
    const problem = (res.body ?? {}) as Record<string, unknown>;
    const sent = Math.min(Math.max(Number.parseInt(form.retry ?? "0", 10) || 0, 0), 99) + 1;
    const later = typeof problem.code === "string" ? { ...problem, code: problem.code } : null;
    const s = later ? retryDelay(later, { method: "POST", idempotencyKey: form.attempt }, sent) : null;
    if (s === null) {
      const error = later && form.attempt && mayHaveApplied(later, sent) ? unsettled : code;
      return backTo(c, form, { error, wait: retryAfterSeconds(problem), ...(flow ? { flow } : {}) });
    }
    const note = problem.code === "idempotency_key_in_use" ? "retryUnsettled" : problem.code === "rate_limited" ? "retryTooMany" : "retryUnavailable";
    return c.html(<ResendPage page={page} action={c.req.path} form={{ ...form, retry: String(sent) }} seconds={s} note={tf(page.lang, note, { n: s })} />);
  };

  /**
   * A reactivation's confirmation: the subscription as the API has it, still canceled, and the first
   * delivery the reactivation would bring (the date chosen on the karte, within the shop's rules).
   * Writes nothing; a subscription no longer canceled or a date out of range goes back to the karte
   * saying so.
   */
  pages.get("/console/reactivate", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page, api } = who;
    const form = { customer: c.req.query("customer") ?? "", sub: c.req.query("sub") ?? "" };
    const res = await api("GET", `/v1/subscriptions/${encodeURIComponent(form.sub)}`);
    if (res.status !== 200) return backTo(c, form, { error: res.body?.code });
    const sub = res.body as Sub;
    if (sub.status !== "canceled") return backTo(c, form, { error: "subscription_not_canceled" });
    const w = reactivationOf(c, sub, page.today);
    const asked = c.req.query("nextDeliveryOn") ?? "";
    let first: string;
    let nextDeliveryOn: string | null = null;
    if ("continuesOn" in w) first = w.continuesOn;
    else {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(asked)) return backTo(c, form, { error: "date_out_of_range" });
      // The rule the API decides the reactivation by (its window, the shop's closed days): refused here, before the customer agrees to it.
      const start = reactivationStart(canceledPlanOf(sub), page.today, c.get("caller").settings, asked);
      // A date before the first or past the last the form offers is out of its range; a closed day says so.
      if (!start.ok) return backTo(c, form, { error: start.violation.code === "delivery_date_closed" ? "delivery_date_closed" : "date_out_of_range" });
      first = nextDeliveryOn = asked;
    }
    // With the comeback offer: its terms for the first delivery chosen — the offer the API lets the
    // customer take (suggested now, or the one winback.due carried: winback/redeem), personalised on
    // the plan restarting that day, as the reactivation applies it — read out before confirming.
    // One that can no longer be taken goes back to the karte saying so.
    const offerId = c.req.query("offerId") ?? "";
    let comeback = null;
    if (offerId) {
      const taken = await comebackAt(c, page.lang, sub.id, offerId, first);
      if (!taken) return backTo(c, form, { error: "offer_expired" });
      comeback = { offerId, title: taken.title, description: taken.description, type: taken.type, parameters: taken.parameters };
    }
    // The fee the cancellation's receipt named, as the API will decide it (the same pure rule): said before agreeing.
    const decided = feeOnReactivation(sub.cancellation, { commitmentMinDeliveries: sub.commitment?.minDeliveries ?? null, deliveriesCompleted: sub.deliveriesCompleted }, page.today);
    const fee = decided ? { amount: decided.fee, waived: decided.waived, note: decided.note[page.lang] } : null;
    return c.html(<ReactivationPage page={page} sub={sub} customerId={form.customer} firstDelivery={first} nextDeliveryOn={nextDeliveryOn} comeback={comeback} fee={fee} pricesIncludeTax={c.get("caller").settings.pricesIncludeTax} />);
  });

  /**
   * The confirmed reactivation: the API's own `POST /v1/subscriptions/{id}/reactivate` on channel
   * operator, so it is recorded exactly as any reactivation — the `reactivate` change with the
   * operator as actor, `subscription.reactivated`, the win-back record closed (再加入率) and, after
   * a win-back contact, counted as following it.
   */
  pages.post("/console/reactivate", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const body = { channel: "operator", ...(form.nextDeliveryOn ? { nextDeliveryOn: form.nextDeliveryOn } : {}), ...(form.offerId ? { offerId: form.offerId } : {}) };
    const res = await who.api("POST", `/v1/subscriptions/${encodeURIComponent(form.sub ?? "")}/reactivate`, body, attemptKey(form)("reactivate"));
    // offer_not_shown here is about a comeback, not a cancel flow: the console's words for it differ.
    if (res.status !== 200) return refusalOf(c, who.page, form)(res, res.body?.code === "offer_not_shown" ? "comeback_not_shown" : res.body?.code);
    return backTo(c, form, { done: "reactivated" });
  });

  /**
   * The caller's reason to cancel. The plan's open flow (any channel, cancel-flows/service
   * openFlowOf) is continued: given the reason when it has none (its reason step decides the offers
   * and records them as shown), shown as it is when it has one — never a second flow that would
   * close it as abandoned. With none open, a flow on channel operator (`If-Match` on the version on
   * screen) is started and given the reason. `restart` (「最初からやり直す」, the karte says first
   * that the open flow ends): a new flow replaces the one on screen, as the API's start does.
   * `flow`: the open flow the karte showed (empty: none); a flow that ended or appeared since is
   * not acted on — the karte shows it as it is now, saying what happened.
   */
  pages.post("/console/reason", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const { api } = who;
    // No reason picked (「—」): back to the karte as it was, nothing opened.
    if (!form.reason) return c.redirect(`/console?${new URLSearchParams({ customer: form.customer ?? "", sub: form.sub ?? "" })}`, 303);
    const key = attemptKey(form);
    const failed = refusalOf(c, who.page, form);
    // `opened`: the flow is the one this post started (not one opened earlier elsewhere): the karte does not show it as another's.
    const karte = (flow: string, opened = false) => c.redirect(`/console?${new URLSearchParams({ customer: form.customer ?? "", sub: form.sub ?? "", reason: form.reason!, flow, ...(opened ? { opened: "1" } : {}) })}`, 303);
    const open = await openFlowOf(c.get("store"), form.sub ?? "", c.get("services").now());
    const shown = form.flow || null;
    // The flow on screen ended meanwhile (another operator, the customer on the web): say how.
    if (shown && open?.id !== shown) return backTo(c, { ...form, reason: "" }, { error: "cancel_flow_ended", flow: shown });
    if (open && !(form.restart && open.id === shown)) {
      if (open.reason === null) {
        // Continued: the reason given in that flow, on channel operator with the operator as actor.
        const given = await api("POST", `/v1/cancel-flows/${encodeURIComponent(open.id)}/reason`, { reason: form.reason }, key("reason"));
        if (given.status !== 200) return failed(given, undefined, open.id);
        return karte(open.id);
      }
      // Already given (the same answer again, a double submit): shown as it is, nothing recorded.
      if (open.reason === form.reason) return karte(open.id);
      // Given meanwhile with another reason (a flow started since this karte was drawn): shown, not overridden.
      return backTo(c, { ...form, reason: "" }, { error: "cancel_flow_moved_on" });
    }
    const started = await api("POST", `/v1/subscriptions/${encodeURIComponent(form.sub ?? "")}/cancel-flows`, { channel: "operator" }, { ...(form.version ? { "if-match": `"${form.version}"` } : {}), ...key("start") });
    if (started.status !== 201) return failed(started);
    const flow = started.body.flowId as string;
    const given = await api("POST", `/v1/cancel-flows/${encodeURIComponent(flow)}/reason`, { reason: form.reason }, key("reason"));
    if (given.status !== 200) return failed(given, undefined, flow);
    return karte(flow, true);
  });

  pages.post("/console/apply", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const { api } = who;
    const ifMatch = { "if-match": `"${form.version ?? ""}"` };
    const key = attemptKey(form);
    const failed = refusalOf(c, who.page, form);
    // Offers are shown for a reason only, by the flow whose reason step chose them (/console/reason);
    // a change without one is /console/change.
    if (!form.reason || !form.flow) return backTo(c, form, { error: "offer_not_found" });
    // Accepted in that flow on channel operator, so it counts in 解約阻止率 and in the offer's
    // observed save rate, with the operator as actor (an offer it did not show: 409 offer_not_shown).
    const flow = encodeURIComponent(form.flow);
    const accepted = await api("POST", `/v1/cancel-flows/${flow}/accept`, { offerId: form.offerId ?? "" }, { ...ifMatch, ...key("accept") });
    // A flow that ended meanwhile (another operator confirmed it…): the karte says how, by whom, when.
    if (accepted.status !== 200) return failed(accepted, undefined, form.flow);
    return backTo(c, form, { done: accepted.body.change && accepted.body.change.type !== "discount" && accepted.body.change.type !== "free_gift" ? "saved" : "kept" });
  });

  /**
   * A plan change the caller asked for (a skip, another interval…): the API's plan-change call on
   * channel operator with `If-Match` on the version on screen; the shop's rules answer as on the
   * web. Without a reason it is just a change: no cancel flow, not a cancellation request. With
   * the reason the caller gave to cancel, it is their save: a cancel flow is opened with that
   * reason first (no offer presented), and the API ends it as saved by the change
   * (cancel-flows/saved-by-change), so it counts in 解約阻止率 like a save through an offer.
   */
  pages.post("/console/change", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const { api } = who;
    const call = changeCallOf(form);
    if (!call) return backTo(c, form, { error: "validation_failed" });
    const sub = encodeURIComponent(form.sub ?? "");
    const ifMatch = { "if-match": `"${form.version ?? ""}"` };
    const key = attemptKey(form);
    const failed = refusalOf(c, who.page, form);
    // The plan's open flow (「提案を表示」's, or one started on the web or by the IVR): the change ends
    // it as saved (cancel-flows/saved-by-change) — one request, not that one superseded and a second opened.
    const open = form.reason ? await openFlowOf(c.get("store"), form.sub ?? "", c.get("services").now()) : null;
    if (form.reason && !open) {
      // A change the rules then refuse (rare: the form offers only what plan-options allows)
      // leaves this flow open; the operator's next save or cancellation continues it.
      const started = await api("POST", `/v1/subscriptions/${sub}/cancel-flows`, { channel: "operator" }, { ...ifMatch, ...key("start") });
      if (started.status !== 201) return failed(started);
      const given = await api("POST", `/v1/cancel-flows/${encodeURIComponent(started.body.flowId)}/reason`, { reason: form.reason, offerId: null }, key("reason"));
      if (given.status !== 200) return failed(given);
    }
    const res = await api("POST", `/v1/subscriptions/${sub}/${call.path}`, { ...call.body, channel: "operator" }, { ...ifMatch, ...key("change") });
    const field = res.status === 409 || res.status === 422 ? fieldRefusalOf(call, res.body) : null;
    if (field && (field.earliest || field.latest || field.open)) return backTo(c, form, { error: res.body?.code, field });
    if (res.status !== 200) return failed(res);
    // A request that moved nothing (the plan already was so) records nothing and saves no flow.
    return backTo(c, form, res.body?.change === null ? { done: "unchanged" } : { done: form.reason ? "saved" : "changed", changed: call.path });
  });

  /**
   * A cancellation the operator confirms: on the version on screen (`If-Match`: a subscription
   * changed since — another operator's save — is not cancelled over it). The open flow the karte
   * showed (`flow`, any channel: the web's, the IVR's, another operator's, a refused confirmation's)
   * is the one confirmed, with its reason and the offers it showed — counted under the channel it
   * started on, the operator recorded as the one who confirmed. With none on screen, a flow on
   * channel operator is started (the operator's own, when a double submit started it already); one
   * that someone else opened since this karte was drawn is shown first, not confirmed unseen. A
   * confirmation the API refuses (the fee not acknowledged…) leaves its flow open and goes back to
   * the karte with it; a flow that ended meanwhile goes back saying how, by whom and when.
   */
  pages.post("/console/cancel", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const { api } = who;
    const sub = encodeURIComponent(form.sub ?? "");
    const ifMatch: Record<string, string> = form.version ? { "if-match": `"${form.version}"` } : {};
    // Each call carries the form's attempt key (one per operator action: a new karte, a new
    // attempt), so a "not now" is sent again as it was: the same flow started, the same
    // confirmation, never a second flow or a second cancellation. Given up on, the karte says the
    // cancellation may have gone through and to reload and check.
    const key = attemptKey(form);
    const failed = refusalOf(c, who.page, form, "cancel_unsettled");
    const open = await openFlowOf(c.get("store"), form.sub ?? "", c.get("services").now());
    let flow: string | null = form.flow || null;
    let continued: { reason: string | null; channel: string } | null = null;
    // This very action sent again (`retry`: a "not now" answered): its calls replay with the same keys
    // below, the start answering the flow it started. Otherwise a flow not on screen is the
    // operator's own (another tab, a double click) and continued, or anyone else's and shown first.
    if (flow === null && open && !form.retry) {
      const read = await api("GET", `/v1/cancel-flows/${encodeURIComponent(open.id)}`);
      if (read.status !== 200) return failed(read);
      const starter = (read.body.steps as { type: string; actor: { type: string; id?: string } | null }[]).find((x) => x.type === "started")?.actor;
      const principal = c.get("caller").principal;
      const mine = open.channel === "operator" && starter?.type === "operator" && principal.kind === "console" && starter.id === principal.operatorId;
      if (!mine) return backTo(c, { ...form, reason: "" }, { error: "cancel_flow_moved_on" });
      flow = open.id;
    }
    if (flow !== null && open?.id === flow) {
      // No new start to carry the If-Match: the version on screen is checked here.
      const current = await api("GET", `/v1/subscriptions/${sub}`);
      if (current.status !== 200) return failed(current);
      if (form.version && String(current.body.version) !== form.version) return backTo(c, form, { error: "version_conflict" });
      continued = { reason: open.reason, channel: open.channel };
    } else if (flow !== null) {
      // The flow on screen is no longer open. Replaced by a newer one (another operator started
      // over): that one is shown, not closed by confirming this. Otherwise the API answers: the same
      // confirmation sent again replays its receipt; one that ended answers 409, said in words below.
      const read = await api("GET", `/v1/cancel-flows/${encodeURIComponent(flow)}`);
      if (read.status !== 200 || read.body.subscriptionId !== form.sub) return failed(read, read.status === 200 ? "cancel_flow_not_found" : undefined);
      if (endingOf(read.body as FlowEvidence)?.how === "superseded") return backTo(c, { ...form, reason: "" }, { error: "cancel_flow_ended", flow });
      continued = { reason: read.body.reason, channel: read.body.channel };
    } else {
      const started = await api("POST", `/v1/subscriptions/${sub}/cancel-flows`, { channel: "operator" }, { ...ifMatch, ...key("start") });
      if (started.status !== 201) return failed(started);
      flow = started.body.flowId as string;
    }
    // A reason picked on the karte with no offer asked for, in the operator's own flow: recorded with
    // none shown and none declined. A flow that has its reason keeps it; one started elsewhere is
    // confirmed as it stands (only an operator flow names what it presented).
    if (form.reason && (continued === null || (continued.reason === null && continued.channel === "operator"))) {
      const given = await api("POST", `/v1/cancel-flows/${flow}/reason`, { reason: form.reason, offerId: null }, key("reason"));
      if (given.status !== 200) return failed(given, undefined, flow);
    }
    // On the version on screen, whichever flow: a plan changed since is not cancelled over it.
    const confirmed = await api("POST", `/v1/cancel-flows/${flow}/confirm`, { ...callRecordOf(form, who.page, c.get("services").now()), ...surveyAnswersOf(form) }, { ...ifMatch, ...key("confirm") });
    if (confirmed.status !== 200) return failed(confirmed, undefined, flow);
    return c.redirect(`/console/receipt?flow=${flow}&customer=${encodeURIComponent(form.customer ?? "")}`, 303);
  });

  pages.get("/console/receipt", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page, api } = who;
    const lang = page.lang;
    const flow = await api("GET", `/v1/cancel-flows/${encodeURIComponent(c.req.query("flow") ?? "")}`);
    const step = ((flow.body?.steps ?? []) as { type: string; data: Record<string, unknown> }[]).find((s) => s.type === "cancel_confirmed");
    const customer = c.req.query("customer") ?? "";
    // The receipt the customer is told is in their language (their locale, else the shop's); the
    // operator's, when it differs, is one click away.
    const person = step ? await api("GET", `/v1/customers/${encodeURIComponent(String(flow.body.customerId))}`) : null;
    const locale = person?.status === 200 ? person.body.locale : null;
    const theirs: Lang = locale === "ja" || locale === "en" ? locale : c.get("caller").settings.locale;
    const receipt = (step?.data.receipt ?? {}) as Partial<Record<Lang, string>>;
    const number = String(step?.data.confirmationNumber ?? "");
    const endsOn = (step?.data.terms as { effectiveOn?: string } | undefined)?.effectiveOn;
    // What is still charged is read out too, as the written receipt says it (a final delivery, a fee).
    const total = (step?.data.terms as { total?: { amount: number; currency: string } } | undefined)?.total;
    // A delivery past the cut-off still comes: said again as the call ends, with the number, as the receipt writes it.
    const last = (step?.data.terms as { nextDelivery?: { on: string | null; stopped: boolean } | null } | undefined)?.nextDelivery;
    const shipsOn = last && !last.stopped && last.on ? last.on : null;
    // What the total is for, said with it (the last delivery, the fee, or both).
    const charged = new Set(((step?.data.terms as { charges?: { type: string }[] } | undefined)?.charges ?? []).map((x) => x.type));
    const chargedFor = charged.has("early_cancellation_fee") ? (charged.has("final_delivery") ? "both" : "fee") : charged.has("final_delivery") ? "delivery" : "other";
    return c.html(
      <Layout page={page} title={t(lang, "receipt")}>
        <h1>{t(lang, "receipt")}</h1>
        {step ? (
          <>
            {/* Focused at load (console.ts): a status already there when the page opens is not read out by itself. */}
            <p role="status" tabindex={-1} data-autofocus="">
              {t(lang, "confirmationNumber")}: <strong class="confirmation">{number}</strong>
            </p>
            {endsOn ? (
              <div class="talk read-out">
                <h2>{tf(lang, "readOut", { lang: t(lang, `langName_${theirs}`) })}</h2>
                <p lang={theirs} data-read-out={theirs}>
                  {[
                    tf(theirs, "scriptReceipt", { number, date: writeDate(endsOn, theirs, "full", page.today) }),
                    shipsOn ? tf(theirs, "scriptReceiptShips", { date: writeDate(shipsOn, theirs, "full", page.today) }) : "",
                    total ? (total.amount > 0 ? tf(theirs, `scriptReceiptCharges_${chargedFor}`, { total: formatMoney(total, theirs, shipsOn ? { taxIncluded: c.get("caller").settings.pricesIncludeTax, spoken: true } : undefined) }) : t(theirs, "scriptReceiptNoCharges")) : "",
                  ]
                    .filter(Boolean)
                    .join(theirs === "en" ? " " : "")}
                </p>
              </div>
            ) : null}
            <h2>{tf(lang, "receiptFor", { lang: t(lang, `langName_${theirs}`) })}</h2>
            <pre class="receipt" lang={theirs} data-receipt={theirs}>{receipt[theirs] ?? ""}</pre>
            {theirs !== lang ? (
              <details>
                <summary>{tf(lang, "receiptOther", { lang: t(lang, `langName_${lang}`) })}</summary>
                <pre class="receipt" lang={lang} data-receipt={lang}>{receipt[lang] ?? ""}</pre>
              </details>
            ) : null}
          </>
        ) : (
          <p>{t(lang, "noCustomer")}</p>
        )}
        <p>
          <a href={karteHref(customer)}>{t(lang, "backToKarte")}</a>
        </p>
      </Layout>,
      step ? 200 : 404,
    );
  });

  pages.post("/console/contact", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const id = `evt_console_${crypto.randomUUID().replace(/-/g, "")}`;
    const data: Record<string, unknown> = { channel: "phone", topic: form.topic ?? "inquiry" };
    if (form.sentiment) data.sentiment = form.sentiment;
    if (form.note) data.note = form.note;
    // Who took it, for the next operator's handover (the timeline's `actor`).
    const principal = c.get("caller").principal;
    if (principal.kind === "console") data.operator = { id: principal.operatorId, name: principal.operatorName };
    // The events service itself, in-process: a console session may not call POST /v1/events (which
    // takes any signal from the shop's systems; platform/auth CONSOLE_WRITES), only log a contact.
    const now = c.get("services").now().toISOString();
    const [item] = await ingestEvents(c.get("store"), [{ id, type: "contact.logged", customerId: form.customer, ...(form.sub ? { subscriptionId: form.sub } : {}), occurredAt: now, data }], now, who.page.lang);
    if (!item || item.result === "rejected") return backTo(c, form, { error: item?.error?.code });
    return backTo(c, form, { done: "contact" });
  });

  pages.post("/console/knowledge/use", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    await who.api("POST", `/v1/knowledge/${encodeURIComponent(form.entryId ?? "")}/uses`);
    const back = form.back && form.back.startsWith("/console") ? form.back : "/console/knowledge";
    return c.redirect(`${back}${back.includes("?") ? "&" : "?"}done=used`, 303);
  });

  pages.get("/console/knowledge", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page, api } = who;
    const lang = page.lang;
    const q = c.req.query();
    const kq = new URLSearchParams({ limit: "30" });
    for (const k of ["q", "reason", "category", "topic"] as const) if (q[k]) kq.set(k, q[k]!);
    const [list, reasons] = await Promise.all([api("GET", `/v1/knowledge?${kq}`), api("GET", "/v1/cancellation-reasons")]);
    return c.html(
      <Layout page={page} title={t(lang, "knowledge")}>
        <h1>{t(lang, "knowledge")}</h1>
        {q.done === "used" ? <p class="notice" role="status">{t(lang, "done_used")}</p> : null}
        <form method="get" action="/console/knowledge" class="row" role="search" aria-label={t(lang, "knowledgeSearch")}>
          <label for="kq">{t(lang, "searchButton")}</label>
          <input id="kq" name="q" type="search" value={q.q ?? ""} />
          <label for="kreason">{t(lang, "reason")}</label>
          <select id="kreason" name="reason">
            <option value="">—</option>
            {(reasons.body?.data ?? []).map((r: { code: string; label: string }) => (
              <option value={r.code} selected={r.code === q.reason}>
                {r.label}
              </option>
            ))}
          </select>
          {/* Not 「検索」 alone: the header's button of that name finds customers. */}
          <button type="submit">{t(lang, "knowledgeSearch")}</button>
        </form>
        {/* After a search, focus starts on how many it found (console.ts data-autofocus): heard at once, the entries next. */}
        {q.q || q.reason ? (
          <p id="knowledge-found" role="status" tabindex={-1} data-autofocus="">
            {tf(lang, "knowledgeFound", { n: (list.body?.data ?? []).length })}
          </p>
        ) : null}
        <KnowledgeList lang={lang} csrf={page.csrf} entries={list.body?.data ?? []} back={`/console/knowledge?${kq}`} level={2} />
      </Layout>,
    );
  });

  /**
   * 再開のご案内: whom to call first — GET /v1/winback/candidates' rows (the same service, its order
   * and cursor), with the customers' names and the shop's reasons in the page's words. Every
   * operator may read it, as the karte (the list is what an operator calling lapsed customers works from).
   */
  pages.get("/console/winback", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page, api } = who;
    // The API's own query: `limit` (1–100, default 20), `due` and `cursor`; anything else reads the first page of every candidate.
    const q = CandidatesQuery.safeParse(c.req.query());
    const limit = q.success ? q.data.limit : 20;
    const due = q.success ? q.data.due : undefined;
    const after = (q.success ? decodeCursor(q.data.cursor, CANDIDATES_CURSOR, candidatesFilter({ due })) : null) ?? null;
    // The hold-out in the metrics' own figures (GET /v1/metrics/winback, its default year), on the first page only.
    const [list, reasons, figures] = await Promise.all([
      candidatesFor(c, page.lang, { limit, after, ...(due ? { due } : {}) }),
      api("GET", "/v1/cancellation-reasons"),
      after === null ? winbackMetricsOf(c, {}) : null,
    ]);
    const ids = [...new Set(list.data.map((r) => r.customerId))];
    const store = c.get("store");
    const subIds = [...new Set(list.data.map((r) => r.subscriptionId))];
    // Whether each row's `winback.due` went out (WinbackDueStatus), so a past 「ご連絡の予定日」 says sent or not yet.
    const [people, records] = await Promise.all([
      ids.length === 0 ? [] : store.q.select({ id: customers.id, name: customers.name }).from(customers).where(store.owns(customers, inArray(customers.id, ids))),
      subIds.length === 0 ? [] : store.q.select({ subscriptionId: winbacks.subscriptionId, canceledAt: winbacks.canceledAt, status: winbacks.dueStatus, sentAt: winbacks.dueSentAt }).from(winbacks).where(store.owns(winbacks, inArray(winbacks.subscriptionId, subIds))),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const dues = new Map<string, DueState>(records.map((w) => [dueKey(w.subscriptionId, w.canceledAt), { status: w.status, sentAt: w.sentAt }]));
    return c.html(<WinbackPage page={page} rows={list.data} names={names} dues={dues} reasons={reasons.body?.data ?? []} nextCursor={list.nextCursor} limit={limit} first={after === null} due={due ?? null} holdout={figures ? { from: figures.from, to: figures.to, heldOut: figures.holdout?.holdout.canceled ?? 0, contactable: figures.holdout?.contactable.canceled ?? null } : null} />);
  });

  // The supervisor page's tables as CSV: the API's own CSV of the same report (GET /v1/metrics/… with
  // Accept: text/csv), for a supervisor without an admin key. A period the API refuses is its 422.
  pages.get("/console/metrics.csv", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    if (!who.page.supervisor) return c.text(t(who.page.lang, "supervisorOnly"), 403);
    const report = c.req.query("report") === "winback" ? "winback" : "retention";
    const parsed = RetentionQuery.safeParse({ from: c.req.query("from") || undefined, to: c.req.query("to") || undefined, groupBy: c.req.query("groupBy") || undefined });
    if (!parsed.success) return c.text(t(who.page.lang, "periodNotDates"), 422);
    try {
      // A `name` column in the operator's language beside each row's key, as the page names the row.
      const [reasons, offers] = await Promise.all([who.api("GET", "/v1/cancellation-reasons"), loadCatalogue(c.get("store"), c.get("services").now().toISOString())]);
      const named = (operators: readonly { key: string; label?: string | null }[]) =>
        metricsCsvRowName(metricsRowNames({ lang: who.page.lang, today: who.page.today, reasons: reasons.body?.data ?? [], offers: offers.catalogue, operators }), who.page.lang);
      if (report === "winback") {
        return csvResponse(c, winbackCsv(await winbackMetricsOf(c, { from: parsed.data.from, to: parsed.data.to }), named([])));
      }
      const figures = await retentionMetricsOf(c, parsed.data);
      return csvResponse(c, retentionCsv(figures, named((figures.groups as { key: string; label?: string | null }[] | null) ?? []), metricsCsvHeaders(who.page.lang)));
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== "validation_failed") throw e;
      return c.text(String(problemBody(e, undefined, who.page.lang).detail), 422);
    }
  });

  /** A supervisor's page opened by an operator: said on a page of the console, 403. */
  const supervisorOnly = (c: Context<AppEnv>, page: PageContext, title: "metrics" | "atRisk") =>
    c.html(
      <Layout page={page} title={t(page.lang, title)}>
        <h1>{t(page.lang, title)}</h1>
        <p role="alert">{t(page.lang, "supervisorOnly")}</p>
      </Layout>,
      403,
    );

  /**
   * 解約リスクの高いお客様: GET /v1/risk/at-risk's rows (the same function, its order, band filter and
   * cursor — customers left out of profiling are never in it), with each customer's name and the
   * plan's product and next delivery, for supervisors as the metrics are.
   */
  pages.get("/console/at-risk", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page } = who;
    if (!page.supervisor) return supervisorOnly(c, page, "atRisk");
    // The API's own query: `band`, `limit` (1–100, default 20) and `cursor`; anything else reads the first page of every band.
    const q = AtRiskQuery.safeParse(c.req.query());
    const band = q.success ? q.data.band : undefined;
    const limit = q.success ? q.data.limit : 20;
    const after = q.success ? decodeCursor(q.data.cursor, AT_RISK_CURSOR, [band]) : undefined;
    const store = c.get("store");
    const body = await atRiskPageJson(store, band, limit, after, page.lang);
    const list = JSON.parse(new TextDecoder().decode(body)) as { data: AtRiskRow[]; nextCursor: string | null };
    const subIds = list.data.map((r) => r.subscriptionId);
    const customerIds = [...new Set(list.data.map((r) => r.customerId))];
    const [plans, people] = await Promise.all([
      subIds.length === 0 ? [] : store.q.select({ id: subscriptions.id, productName: subscriptions.productName, nextDeliveryOn: subscriptions.nextDeliveryOn }).from(subscriptions).where(store.owns(subscriptions, inArray(subscriptions.id, subIds))),
      customerIds.length === 0 ? [] : store.q.select({ id: customers.id, name: customers.name }).from(customers).where(store.owns(customers, inArray(customers.id, customerIds))),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const byId = new Map(plans.map((p) => [p.id, p]));
    const rows = new Map<string, AtRiskPlan>(
      list.data.flatMap((r) => {
        const p = byId.get(r.subscriptionId);
        return p ? [[r.subscriptionId, { customerName: names.get(r.customerId) ?? null, productName: p.productName, nextDeliveryOn: p.nextDeliveryOn }] as const] : [];
      }),
    );
    return c.html(<AtRiskPage page={page} rows={list.data} plans={rows} band={band ?? null} limit={limit} nextCursor={list.nextCursor} first={after === undefined} />);
  });

  pages.get("/console/metrics", async (c) => {
    const who = await operator(c);
    if (who instanceof Response) return who;
    const { page } = who;
    if (!page.supervisor) return supervisorOnly(c, page, "metrics");
    // The same computation as GET /v1/metrics/retention (admin), off the request path where it
    // can be: a supervisor reads it here without an admin key.
    // The period as the API reads it (a real date, `from` not after `to`, at most two years); one
    // it refuses is said on the page, over the default period, not answered as the API's JSON.
    const asked = { from: c.req.query("from") || undefined, to: c.req.query("to") || undefined };
    const figures = (range: { from?: string; to?: string }) =>
      Promise.all([
        retentionMetricsOf(c, range),
        retentionMetricsOf(c, { ...range, groupBy: "week" }),
        retentionMetricsOf(c, { ...range, groupBy: "reason" }),
        retentionMetricsOf(c, { ...range, groupBy: "offer" }),
        retentionMetricsOf(c, { ...range, groupBy: "channel" }),
        retentionMetricsOf(c, { ...range, groupBy: "operator" }),
        // The same computation as GET /v1/metrics/winback (default: the last 365 days).
        winbackMetricsOf(c, range),
      ]);
    let periodError: string | undefined;
    const parsed = RetentionQuery.safeParse(asked);
    let shown: Awaited<ReturnType<typeof figures>> | undefined;
    if (parsed.success) {
      try {
        shown = await figures(parsed.data);
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== "validation_failed") throw e;
        periodError = String(problemBody(e, undefined, page.lang).detail);
      }
    } else {
      periodError = t(page.lang, "periodNotDates");
    }
    const [[overall, week, reason, offer, channel, operatorRows, winback], reasons, offers] = await Promise.all([
      shown ?? figures({}),
      // Row names: the shop's reasons in the page's language, its offers' kinds and parameters.
      who.api("GET", "/v1/cancellation-reasons"),
      loadCatalogue(c.get("store"), c.get("services").now().toISOString()),
    ]);
    return c.html(
      <MetricsPage
        page={page}
        overall={overall}
        groups={{ week, reason, offer, channel, operator: operatorRows }}
        winback={winback}
        durableSaveDays={c.get("caller").settings.durableSaveDays}
        reasons={reasons.body?.data ?? []}
        offers={offers.catalogue}
        periodError={periodError}
      />,
      periodError ? 422 : 200,
    );
  });

  pages.post("/console/language", async (c) => {
    const form = await formOf(c);
    // The header's own form, with its CSRF token like every console form: a page elsewhere cannot switch it.
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    setCookie(c, LANG_COOKIE, form.lang === "en" ? "en" : "ja", { path: "/console", sameSite: "Lax", httpOnly: true, maxAge: 31_536_000 });
    return c.redirect(sameOriginConsolePath(c, c.req.header("referer")), 303);
  });

  pages.post("/console/logout", async (c) => {
    const form = await formOf(c);
    const who = await operator(c, form);
    if (who instanceof Response) return who;
    const principal = c.get("caller").principal;
    if (principal.kind === "console") await endConsoleSession(c.get("store"), principal.sessionId, c.get("services").now());
    deleteCookie(c, CONSOLE_COOKIE, { path: "/" });
    const lang = who.page.lang;
    return c.html(<Bare lang={lang} title={t(lang, "loggedOut")}><p>{t(lang, "loggedOutNote")}</p></Bare>);
  });

  // The demo shop only: a fresh one-time console URL each visit (a printed one works once).
  // Minted exactly as a shop's CTI does (POST /v1/console-sessions with the shop's key), so the
  // session is audited like any other.
  pages.get("/demo/console", async (c) => {
    if (!(await demoServed(c.get("services")))) throw new ApiError("route_not_found", { en: "No demo shop is served here (demo mode is off, or the database has no demo tenant).", ja: "ここではデモショップを提供していません（デモモードがオフか、データベースにデモ用テナントがありません）。" });
    const role = c.req.query("role") === "operator" ? "operator" : "supervisor";
    const res = await app.request(
      "/v1/console-sessions",
      {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ operatorId: "demo-operator", operatorName: "デモ オペレーター", role, expiresInSeconds: 28_800 }),
      },
      c.env,
    );
    if (res.status !== 201) throw new Error(`The demo could not mint a console session: ${res.status} ${await res.text()}`);
    const { url } = (await res.json()) as { url: string };
    const to = c.req.query("to");
    return c.redirect(`${new URL(url).pathname}${new URL(url).search}${to ? `&to=${encodeURIComponent(to)}` : ""}`, 303);
  });

  /**
   * A page that could not be served for a moment (the database down, the session over its rate
   * limit: thrown before any call, as when the operator's session is read) is a page in the
   * operator's words saying when to reload, with the API's Retry-After — not the API's JSON
   * problem. Anything else is the app's to answer.
   */
  pages.onError((err, c) => {
    if (!(err instanceof ApiError) && databaseFailure(err) === null) throw err;
    const problem = asApiError(c, err);
    if (problem.code !== "database_unavailable" && problem.code !== "rate_limited") throw err;
    const lang = langOf(c, c.get("caller")?.settings.locale);
    const n = retryAfterSeconds(problem.extra) ?? 1;
    if (c.req.path === "/console/login" && problem.code === "rate_limited") {
      // Only refused tokens are counted: this URL did not sign in either; a new one is needed.
      return c.html(
        <Bare lang={lang} title={t(lang, "loginPausedTitle")}>
          <p role="alert">{tf(lang, "loginPaused", { n })}</p>
        </Bare>,
        429,
        { "retry-after": String(n) },
      );
    }
    // Reloading a read is safe; a form's post goes back to the page it was sent from.
    const referer = c.req.header("referer");
    const here = new URL(c.req.url);
    const from = referer ? new URL(referer, here) : null;
    const back = c.req.method === "GET" ? here.pathname + here.search : from && from.origin === here.origin && from.pathname.startsWith("/console") ? from.pathname + from.search : "/console";
    return c.html(
      <Bare lang={lang} title={t(lang, "unavailableTitle")}>
        <p role="alert">{tf(lang, problem.code === "rate_limited" ? "tooManyNote" : "unavailableNote", { n })}</p>
        <p>
          <a href={back}>{t(lang, "reloadPage")}</a>
        </p>
      </Bare>,
      problem.status as 429 | 503,
      { "retry-after": String(n) },
    );
  });

  return pages;
}

/**
 * An action sent again after Retry-After seconds (console/client/console.ts submits the form; the
 * button does it at once, and works without script): the same fields, the same attempt.
 */
function ResendPage(props: { page: PageContext; action: string; form: Record<string, string>; seconds: number; note: string }) {
  const { page, form } = props;
  const lang = page.lang;
  const karte = `/console?${new URLSearchParams({ customer: form.customer ?? "", ...(form.sub ? { sub: form.sub } : {}) })}`;
  return (
    <Layout page={page} title={t(lang, "retryTitle")}>
      <h1>{t(lang, "retryTitle")}</h1>
      <p class="notice" role="status">
        {props.note}
      </p>
      <form method="post" action={props.action} data-resend-after={String(props.seconds)}>
        {Object.entries(form).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" class="primary">
          {t(lang, "retryNow")}
        </button>
      </form>
      <p>
        <a href={karte}>{t(lang, "backToKarte")}</a>
      </p>
    </Layout>
  );
}

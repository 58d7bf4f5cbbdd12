import { langOf, say, type Language, type PortalTextKey } from "../../platform/localized-text";
import { ABORTED, actionKey, ApiProblem, callApi, reachable, READ_TIMEOUT_MS, SLOW_ANSWER_MS, TIMED_OUT, type Call, type Problem } from "./api";
import { addCycles, cadenceText } from "../../platform/cadence";
import { writeDate } from "../../platform/dates";
import { discountedPrice, upcomingDiscount } from "../../plan-changes/discount";
import { formatMoney } from "../../platform/numbers";
import { writeQuantity } from "../../platform/quantity";
import { h, langFor } from "./dom";
import { RULE_REFUSALS, refusalText } from "./refusals";
import { withRetries } from "./retry";
import { STYLES } from "./styles";
import type { Canceled, ChangeResult, Charge, ExitSurvey, FlowStarted, KeepInTouch, Money, Page, PlanOptions, ProfilingOptOut, Reactivated, ReasonAnswer, RestartComeback, Saved, Subscription } from "./types";

/**
 * The portal's styles as one constructable stylesheet, shared by every instance: adopted by the
 * shadow root, it needs no inline `<style>` (a page with `style-src 'self'` blocks those).
 */
let sheet: CSSStyleSheet | null = null;
function styleSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  return sheet;
}

/** The embeds on this page: a customer-level card is shown by one of them only. */
const portals = new Set<TsuzukuPortal>();

/**
 * #write's `applied` for a write with nothing to read that would say it was done (a flow started,
 * a reason given, keep-in-touch turned off): its key makes a second send apply at most once, so
 * after a lost answer it simply goes again, and the API replays the first answer or applies it now.
 */
const sendAgain = async () => true;

/**
 * The key of the data-use card's status line in #cardStatuses, beside the subscriptions' (no
 * subscription id is empty: it is a path segment).
 */
const DATA_USE = "";

/** What an action interrupted by an expired session leaves undone (#run): the words that say so. */
type Unfinished = "cancel" | "change" | "restart" | "read";
const SESSION_EXPIRED: Record<Unfinished, PortalTextKey> = {
  cancel: "sessionExpiredCancel",
  change: "sessionExpiredChange",
  restart: "sessionExpiredRestart",
  read: "sessionExpired",
};

const isFlowStep = (step: Step): step is Extract<Step, { flow: FlowStarted }> => step.name === "reason" || step.name === "offers" || step.name === "confirm";

type Step =
  | { name: "loading" }
  | { name: "list" }
  | { name: "reason"; sub: Subscription; flow: FlowStarted }
  | { name: "offers"; sub: Subscription; flow: FlowStarted; answer: ReasonAnswer }
  | { name: "confirm"; sub: Subscription; flow: FlowStarted }
  | { name: "receipt"; canceled: Canceled }
  | { name: "saved"; saved: Saved };

/**
 * `<tsuzuku-portal session="…" api-base="https://api…" lang="ja" subscription="…">` — the
 * customer's my-page for their 定期 subscriptions: plan changes within the shop's rules, each
 * applied only from a final confirmation of what it commits to, and the fair cancel flow (optional
 * reason → at most the shop's offers, each beside an equally prominent way to continue → confirm,
 * acknowledging a disclosed fee → receipt with confirmation number; under `noOffer` and
 * `afterCancellation`, straight to the confirmation).
 *
 * Attributes: `session` (a customer-session token minted by the shop's server), `api-base` (the
 * Tsuzuku API origin; default: where this script was loaded from), `lang` (`ja` | `en`; default
 * the page's `<html lang>`), `subscription` (show only this one).
 *
 * @event tsuzuku:changed  a plan change was applied; `detail` is the API's `{ subscription, change }`
 * @event tsuzuku:saved    an offer was accepted in the cancel flow; `detail` is the API's CancelFlowSaved
 * @event tsuzuku:canceled the cancellation was confirmed; `detail` is the API's CancelFlowCanceled
 * @event tsuzuku:reactivated a cancelled plan was restarted from its card; `detail` is the API's
 *   ReactivationResult `{ subscription, change, cancellationFee? }`
 * @event tsuzuku:error    a call was refused or failed; `detail` is the API's problem (`code`
 *   `session_expired`: set a fresh `session` attribute and the interrupted action resumes), or the
 *   portal's own: `session_missing`, `session_invalid`, `origin_not_allowed` (the embed's setup:
 *   #setupProblem), `network_error` (with `outcome` "not_applied" | "unknown" after a lost answer)
 *
 * @csspart cancel-button, skip-button, reason (each choice; `data-reason` is its code), offer,
 *   accept-offer, continue-cancel, confirm-cancel, receipt, print-receipt — and restart-button, comeback (the
 *   comeback offer sent, on a cancelled plan's card), restart-with-offer, confirm-restart,
 *   cancel-restart, container, subscription,
 *   resume-button, skip-reason, back, message, review (a plan change's final confirmation),
 *   confirm-change, cancel-change, data-use (the profiling opt-out card), save-data-use, reload-data-use,
 *   title (the list's 「定期コースの管理」 heading: a shop restyles it, or hides it from sight).
 * @cssprop --tsuzuku-brand, --tsuzuku-on-brand, --tsuzuku-font, --tsuzuku-font-size,
 *   --tsuzuku-text, --tsuzuku-muted, --tsuzuku-surface, --tsuzuku-border, --tsuzuku-focus,
 *   --tsuzuku-error, --tsuzuku-radius, --tsuzuku-scroll-margin-top (the space above a card's heading
 *   scrolled to after a change: a shop's sticky header)
 *
 * No timers that hurry the customer or end their reading: the one wait is the API's Retry-After
 * before sending the customer's own request again (platform/retry), said on its card meanwhile.
 */
export class TsuzukuPortal extends HTMLElement {
  static observedAttributes = ["session", "api-base", "lang", "subscription"];
  /** The API origin used when `api-base` is absent: the script's own origin (set by the entry). */
  static defaultBase = "";

  /** Registers the element (a page may pick another tag or a scoped registry). */
  static define(tag = "tsuzuku-portal", registry: CustomElementRegistry = customElements) {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  #container: HTMLElement;
  #main: HTMLElement;
  #status: HTMLElement;
  #step: Step = { name: "loading" };
  #subs: Subscription[] = [];
  /** Whether this embed shows one subscription (the `subscription` attribute or the session's). */
  #focused = false;
  #options = new Map<string, PlanOptions | null>();
  /** Subscriptions whose plan-options could not be read (offline, 5xx): no change is offered on guessed limits. */
  #optionsFailed = new Set<string>();
  /** The customer's keep-in-touch answer (win-back contact), when the API offers it. */
  #keep: KeepInTouch | null = null;
  /** Whose my-page this is (the session's customer), once read. */
  #customerId: string | null = null;
  /** The customer's objection to profiling (null: not read; `#profilingFailed`: unreadable for now). */
  #profiling: ProfilingOptOut | null = null;
  #profilingFailed = false;
  /**
   * Idempotency-Keys of the writes whose answer never arrived, by what was asked (#write's
   * `intent`): the customer pressing the same button for the same change sends the same key, so
   * the API answers with what it already did instead of doing it twice or refusing it as stale.
   */
  #unsettled = new Map<string, string>();
  /** The action a session expiry interrupted; run again when `session` changes. */
  #pending: (() => Promise<void>) | null = null;
  #busy = false;
  /** Where the running action's "trying again" line goes (its card's status, or the portal's). */
  #waitLine: HTMLElement | null = null;
  #waitText: string | null = null;
  /** Aborted when the element leaves the page for good (#unmounted): ends the reads under way. */
  #left = new AbortController();
  #connected = false;
  /** A #load asked for while an action ran (the element shown again meanwhile): run when it ends. */
  #loadWhenIdle = false;
  #focus: string | null = null;
  /**
   * Each card's status line (a live region), kept across renders so a result is announced and shown
   * beside the card it concerns — on a phone the portal's first line may be screens away.
   */
  #cardStatuses = new Map<string, HTMLElement>();
  /** Leaving the page in the middle of a cancel flow ends the flow (see #leaveFlow). */
  #onPageHide = () => void this.#leaveFlow(true);
  /**
   * A cancel flow has a history entry of its own, pushed when it opens (with the page's own state
   * and URL, so the shop's router sees nothing change): the phone's Back button, pressed in the
   * flow, goes back to the list as the flow's 「戻る」 does, instead of leaving the my-page. Left by
   * the portal itself, the flow takes its entry back (`#popOwn`: that popstate is its own).
   */
  #flowEntry = false;
  #popOwn = false;
  /**
   * A plan change's or restart's final confirmation has a history entry too (trial24: Back in a
   * skip's review left the my-page): Back closes the review, nothing sent, as its 「変更せずに戻る」
   * does. This closes it (the entry already gone); null when no review holds an entry.
   */
  #reviewClose: (() => void) | null = null;
  /** What #go scrolled into view, scrolled to again once the portal's own history.back() lands. */
  #revealAfterPop: (() => void) | null = null;
  #onPopState = () => {
    if (this.#popOwn) {
      this.#popOwn = false;
      // Going back restores the entry's old scroll position: what was shown is shown again.
      const reveal = this.#revealAfterPop;
      this.#revealAfterPop = null;
      // After this event Chromium still applies the restored position: reveal on the next frame.
      if (reveal) requestAnimationFrame(reveal);
      return;
    }
    if (this.#reviewClose) {
      const close = this.#reviewClose;
      this.#reviewClose = null;
      close();
      return;
    }
    if (!this.#flowEntry) return;
    this.#flowEntry = false;
    const step = this.#step;
    if (isFlowStep(step)) this.#back(step.sub);
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styleSheet()];
    this.#status = h("p", { class: "status", id: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.#main = h("div");
    this.#container = h("div", { class: "portal", part: "container" }, this.#status, this.#main);
    root.append(this.#container);
  }

  connectedCallback() {
    this.#connected = true;
    portals.add(this);
    addEventListener("pagehide", this.#onPageHide);
    addEventListener("popstate", this.#onPopState);
    if (this.#step.name === "loading") void this.#load();
  }

  disconnectedCallback() {
    this.#connected = false;
    portals.delete(this);
    removeEventListener("pagehide", this.#onPageHide);
    removeEventListener("popstate", this.#onPopState);
    // A single-page my-page unmounts the element when the customer navigates elsewhere (trial43): left
    // mid-flow, the flow is ended as on pagehide, and the element shown again later reads the plans
    // afresh. A move in the DOM (removed and put back in the same task) is not a leave.
    queueMicrotask(() => {
      if (!this.isConnected) this.#unmounted();
    });
  }

  /**
   * The element left the page for good: an open cancel flow is abandoned (keepalive), and the
   * history entries the flow or a review pushed are no longer the portal's to take back (the host's
   * router has moved on; going back would undo its navigation). Shown again, it starts from the list.
   */
  #unmounted() {
    // Reads under way are for a page nobody sees any more: ended, and their failures unsaid (#run).
    this.#left.abort(ABORTED);
    this.#left = new AbortController();
    void this.#leaveFlow(true);
    this.#flowEntry = false;
    this.#reviewClose = null;
    this.#popOwn = false;
    this.#revealAfterPop = null;
    this.#step = { name: "loading" };
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null) {
    if (!this.#connected || old === value) return;
    if (name === "session") {
      const retry = this.#pending;
      this.#pending = null;
      if (retry) void this.#run(retry);
      else if (this.#step.name === "loading") void this.#load();
      return;
    }
    void this.#load();
  }

  get #lang(): Language {
    return langOf(this.getAttribute("lang") ?? this.closest("[lang]")?.getAttribute("lang") ?? document.documentElement.lang);
  }

  /**
   * A price's label with the shop's tax basis as plan-options gives it (総額表示: 「1回のお届けの価格（税込）」,
   * "Price per delivery (plus tax)"): the label carries it once, so every value under it stays a plain amount.
   * Before plan-options is read, or from an API without it, the label alone.
   */
  #priceLabel(key: PortalTextKey, subscriptionId: string): string {
    const included = this.#options.get(subscriptionId)?.pricesIncludeTax;
    const label = this.#t(key);
    return included === undefined ? label : this.#t(included ? "labelTaxIncluded" : "labelTaxExcluded", { label });
  }

  /**
   * A price the customer pays, in a sentence (「1回のお届けの価格は7,960円（税込）です」, "each delivery
   * costs $49.00 plus tax"): with the shop's tax basis as plan-options gives it, as the API's own texts
   * write it (platform/numbers formatMoney). A value under a labelled row goes through {@link #money}
   * (its label carries the basis), as do a fee and an amount off; before plan-options is read, or from
   * an API without it, the amount alone.
   */
  #charged(m: Money, subscriptionId: string): string {
    const included = this.#options.get(subscriptionId)?.pricesIncludeTax;
    return formatMoney(m, this.#lang, included === undefined ? undefined : { taxIncluded: included });
  }

  #t(key: PortalTextKey, vars?: Record<string, string | number>) {
    return say(key, this.#lang, vars);
  }

  /** `lang="ja"` for the shop's own Japanese text on an English page (dom.ts langFor). */
  #ja(text: string | null | undefined): "ja" | undefined {
    return langFor(text, this.#lang);
  }

  /**
   * Text `key` filled with `vars`, the shop's own text `vars[name]` marked with its language when it
   * differs from the page's: 「Your subscription: <span lang="ja">DHA・EPAサプリ</span>」.
   */
  #withShopText(key: PortalTextKey, vars: Record<string, string | number>, name: string): (Node | string)[] {
    const data = String(vars[name] ?? "");
    const lang = this.#ja(data);
    if (!lang) return [this.#t(key, vars)];
    const [before = "", after = ""] = this.#t(key, { ...vars, [name]: "\u0000" }).split("\u0000");
    return [before, h("span", { lang }, data), after];
  }

  /**
   * One call; a "not now" answer with Retry-After (platform/retry) is waited out and the same request
   * sent again, its Idempotency-Key unchanged, while the action's status line says so.
   */
  async #api<T>(call: Call): Promise<T> {
    const base = this.#base;
    // A read ends when the element leaves the page (#unmounted) or after READ_TIMEOUT_MS; a write runs to its answer.
    const read = call.method === "GET" && !call.keepalive;
    const left = this.#left.signal;
    const send = () => {
      if (!read) return callApi<T>(base, this.getAttribute("session") ?? "", this.#lang, call);
      const ends = new AbortController();
      const timer = setTimeout(() => ends.abort(TIMED_OUT), READ_TIMEOUT_MS);
      const leave = () => ends.abort(ABORTED);
      if (left.aborted) leave();
      else left.addEventListener("abort", leave, { once: true });
      return callApi<T>(base, this.getAttribute("session") ?? "", this.#lang, call, ends.signal).finally(() => {
        clearTimeout(timer);
        left.removeEventListener("abort", leave);
      });
    };
    // Taking long: the action's status line says so (and not to close the page) until the answer comes.
    let slow: { line: HTMLElement; before: string | null } | null = null;
    const notice = setTimeout(() => {
      const line = this.#waitLine;
      if (!line || line.textContent === this.#waitText) return; // a "trying again" line already says what is going on
      slow = { line, before: line.textContent };
      line.textContent = this.#waitText = this.#t("slowAnswer");
    }, SLOW_ANSWER_MS);
    try {
      return await withRetries(call, send, (problem, seconds) => {
        const line = this.#waitLine;
        this.#waitText = problem.code === "idempotency_key_in_use" ? this.#t("retryUnsettled") : this.#t("retryBusy", { n: seconds });
        if (line) line.textContent = this.#waitText;
      });
    } finally {
      clearTimeout(notice);
      const shown = slow as { line: HTMLElement; before: string | null } | null;
      if (shown && shown.line.textContent === this.#waitText) {
        shown.line.textContent = shown.before;
        this.#waitText = null;
      }
    }
  }

  /**
   * A customer's write, sent so that a lost answer never turns into a false failure. Its key is
   * the one an earlier send of the same `intent` (what is asked, of which version) left without an
   * answer, else a fresh one. When the answer is lost (`network_error`: sent, maybe applied),
   * `applied` reads the subscription again: applied, the same request goes again with the same key
   * and the API replays its first answer (the result shows as done); not applied, or unreadable,
   * the problem says so in `outcome` (`"not_applied"` | `"unknown"`) for the customer's words.
   */
  async #write<T>(intent: string, call: Omit<Call, "idempotencyKey">, applied: () => Promise<boolean>): Promise<T> {
    const key = this.#unsettled.get(intent) ?? actionKey();
    this.#unsettled.set(intent, key);
    const send = async () => {
      try {
        const result = await this.#api<T>({ ...call, idempotencyKey: key });
        this.#unsettled.delete(intent);
        return result;
      } catch (e) {
        // An answer that says what happened ends the key; no answer (or "not settled yet") keeps it for the same press again.
        const p = e instanceof ApiProblem ? e.problem : null;
        if (p && p.status !== 0 && p.status < 500 && p.code !== "idempotency_key_in_use" && p.code !== "session_expired") this.#unsettled.delete(intent);
        throw e;
      }
    };
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.problem.code !== "network_error") throw e;
      let done: boolean;
      try {
        done = await applied();
      } catch {
        throw new ApiProblem({ ...e.problem, outcome: "unknown" });
      }
      if (!done) throw new ApiProblem({ ...e.problem, outcome: "not_applied" });
      try {
        return await send();
      } catch (again) {
        throw again instanceof ApiProblem && again.problem.code === "network_error" ? new ApiProblem({ ...again.problem, outcome: "unknown" }) : again;
      }
    }
  }

  /** Reads subscription `subId` again into the list (what the API has now). */
  async #reread(subId: string): Promise<Subscription> {
    const now = await this.#api<Subscription>({ method: "GET", path: `/v1/subscriptions/${encodeURIComponent(subId)}` });
    this.#replace(now);
    return now;
  }

  get #base(): string {
    return this.getAttribute("api-base") || TsuzukuPortal.defaultBase || location.origin;
  }

  /**
   * What stops the embed before any call, or explains its first call's network failure: the shop's
   * setup, not the customer's connection, so `tsuzuku:error` says which (README "Errors"):
   * `session_missing` (no `session`, or the text "undefined"/"null" a template left),
   * `session_invalid` (not a session token's shape: never sent, an API key would be refused),
   * `origin_not_allowed` (the API answers, but not to this page). Null when none applies.
   */
  async #setupProblem(failed: Problem | null): Promise<Problem | null> {
    const session = (this.getAttribute("session") ?? "").trim();
    const problem = (code: string, detail: string): Problem => ({ title: "Embed setup", status: 0, code, detail });
    if (!session || session === "undefined" || session === "null") return problem("session_missing", "The session attribute is empty: mint a customer session on your server (POST /v1/customer-sessions) and set its token.");
    if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(session)) return problem("session_invalid", "The session attribute is not a customer-session token (three dot-separated parts).");
    if (failed?.code === "network_error" && (await reachable(this.#base)))
      return problem("origin_not_allowed", `The API answered but the browser hid it: add ${location.origin} to allowedOrigins (PATCH /v1/settings), and the API origin to connect-src.`);
    return null;
  }

  #emit(type: "tsuzuku:changed" | "tsuzuku:saved" | "tsuzuku:canceled" | "tsuzuku:reactivated" | "tsuzuku:error", detail: unknown) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /**
   * Runs one customer action; a refusal is shown where they are and announced, never thrown.
   * `subId` names the subscription it concerns (null: the cancel flow's frame or the keep-in-touch
   * card); that card's buttons are marked disabled and its status says 「処理中…」 while it runs. A
   * click while another action runs is answered, where it was made, with why nothing happened.
   */
  async #run(action: () => Promise<void>, subId: string | null = null, where: HTMLElement | null = this.#cardOf(subId), field: HTMLElement | null = null, unfinished: Unfinished | null = null) {
    // What an expired session leaves undone, in the customer's words (a step of the cancel flow: the
    // cancellation; a card's change; reading the page): said with the session_expired message.
    const undone: Unfinished = unfinished ?? (isFlowStep(this.#step) ? "cancel" : subId !== null ? "change" : "read");
    if (this.#busy) {
      const message = where?.querySelector<HTMLElement>(".message");
      if (message) message.textContent = this.#t("refusedBusy");
      else this.#status.textContent = this.#t("refusedBusy");
      return;
    }
    this.#busy = true;
    // A 「画面を読み込み直す」 left by an earlier run-out session: this action says its own outcome.
    for (const b of this.#main.querySelectorAll(".reload")) b.remove();
    // Whether the customer acted from inside the portal: a refusal that removes what held the focus gives it back (below).
    const focusedHere = this.shadowRoot?.activeElement != null;
    this.#main.setAttribute("aria-busy", "true");
    // aria-disabled, not disabled: the focused button keeps the focus, and a click on it is answered.
    const buttons = [...(where?.querySelectorAll("button") ?? [])];
    for (const b of buttons) b.setAttribute("aria-disabled", "true");
    const status = where?.querySelector<HTMLElement>("[data-card-status]");
    if (status) status.textContent = this.#t("working");
    const line = (this.#waitLine = status ?? this.#status);
    const said = line.textContent;
    try {
      await action();
    } catch (e) {
      const problem: Problem = e instanceof ApiProblem ? e.problem : { title: String(e), status: 0, code: "client_error" };
      // A read ended because the element left the page: nobody to tell, and nothing failed.
      if (problem.code === ABORTED) return;
      // The flow already ended in a cancellation (its answer was lost, another tab confirmed it):
      // not a failure but the receipt, read from the subscription.
      if (problem.code === "cancel_flow_canceled" && subId !== null && (await this.#canceledMeanwhile(subId, problem))) return;
      this.#emit("tsuzuku:error", problem);
      // The customer reads their own words, never the API's developer-facing detail (refusals.ts).
      let text = refusalText(problem, this.#lang, (m) => this.#money(m));
      if (problem.code === "session_expired") {
        this.#pending = action;
        text = this.#t(SESSION_EXPIRED[undone]);
      }
      if (problem.code === "cancellation_terms_changed" && this.#step.name === "confirm") {
        // Confirm found other terms than this screen shows (the cut-off passed meanwhile): the
        // screen shows the new ones (already recorded as shown), and the customer confirms again.
        this.#step = { ...this.#step, flow: withTermsOf(this.#step.flow, problem) };
        this.#render();
        where = this.#cardOf(null);
      }
      if ((problem.code === "cancel_flow_saved" || problem.code === "cancel_flow_expired") && subId !== null) {
        // The plan was changed (or an offer taken) meanwhile, which ended this flow: it is NOT
        // cancelled. Or the flow was closed (expired, replaced by one started in another window).
        // Either way the card shows the plan as it is now, and its 「解約する」 starts a new flow.
        await this.#reloadCard(subId).catch(() => undefined);
        if (problem.code === "cancel_flow_saved") text = this.#t("flowSavedMeanwhile");
        where = this.#cardOf(subId);
      }
      if (problem.code === "network_error" && problem.outcome !== undefined) {
        // Sent, and its answer lost (#write): say what is known, never "try again" for what may be done.
        text = this.#t(problem.outcome === "not_applied" ? "failedNotApplied" : "failedUnknown");
        if (subId !== null && this.#step.name === "list") {
          // The card shows what the API has now, when it could be read (#write read it).
          this.#render();
          where = this.#cardOf(subId);
        }
      }
      if ((problem.code === "offer_expired" || problem.code === "offer_not_shown") && subId !== null && this.#step.name === "list") {
        // A comeback offer taken on restart that can no longer be (its time ran out while the page
        // was open, the shop withdrew it): nothing restarted. The card shows what is open now (no
        // offer), and says why in words, with the date it ran until when the API names it.
        await this.#reloadCard(subId).catch(() => undefined);
        text = this.#comebackGone(problem);
        where = this.#cardOf(subId);
      }
      if (problem.code === "version_conflict" && subId !== null) {
        // Changed in another tab or window: show the card as it is now, and say so there.
        await this.#reloadCard(subId).catch(() => undefined);
        text = this.#t("versionConflict");
        where = this.#cardOf(subId);
      }
      // A refusal reads as one, once: the status line no longer says an earlier change was saved,
      // and a rule the card already states with the same words is not stated a second time.
      this.#status.textContent = "";
      for (const line of this.#cardStatuses.values()) line.textContent = "";
      const message = (where?.isConnected ? where.querySelector<HTMLElement>(".message") : null) ?? this.#main.querySelector<HTMLElement>("[data-active] .message") ?? this.#main.querySelector<HTMLElement>(".message");
      // A rule refusing the value the customer typed (a date inside the cut-off, a quantity over the
      // shop's maximum) is said at that field, as the fee box's error is, not in the card's alert.
      if (field?.isConnected && RULE_REFUSALS.has(problem.code) && !problem.code.startsWith("subscription_not_")) this.#fieldError(field, text);
      else if (message) {
        message.textContent = text;
        for (const note of message.parentElement?.querySelectorAll<HTMLElement>(".note") ?? []) note.hidden = note.textContent === text;
      } else this.#main.replaceChildren(h("p", { class: "message", role: "alert", part: "message" }, text));
      // A session run out, and the shop's page gave no new one (yet): the message names a button that
      // does what it asks, so nobody has to find the browser's reload in a phone's menu (trial41). A
      // reload has the shop's page mint a new session; the portal then shows the plan as it is.
      if (problem.code === "session_expired") {
        const shown = message?.isConnected && message.textContent === text ? message : this.#main.querySelector<HTMLElement>(".message:not(:empty)");
        shown?.after(h("button", { type: "button", class: "reload primary", part: "reload-button", onclick: () => location.reload() }, this.#t("reloadPage")));
      }
      // The review whose 「この内容で変更する」 held the focus closes on a refusal (a session run out, the
      // cut-off passed, a lost connection): the focus fell to the page's top, and a screen reader went on
      // from there (trial32). The refused card's heading takes it, the alert under it says why.
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (focusedHere && lost && !this.shadowRoot?.activeElement) {
        const said = message?.isConnected ? message : this.#main.querySelector<HTMLElement>(".message:not(:empty)");
        said?.closest<HTMLElement>("[data-subscription], [data-flow]")?.querySelector<HTMLElement>("h2[tabindex], h3[tabindex]")?.focus();
      }
    } finally {
      this.#busy = false;
      this.#waitLine = null;
      this.#main.removeAttribute("aria-busy");
      for (const b of buttons) b.removeAttribute("aria-disabled");
      if (status?.textContent === this.#t("working")) status.textContent = "";
      // A "trying again" line the action's own result did not replace.
      if (this.#waitText !== null && line.textContent === this.#waitText) line.textContent = line === status ? "" : said;
      this.#waitText = null;
    }
    if (this.#loadWhenIdle && this.#connected) {
      this.#loadWhenIdle = false;
      void this.#load();
    }
  }

  /**
   * After 409 `cancel_flow_canceled`: the cancellation is done, so its receipt shows (the
   * subscription's own record of it: number and end date) and `tsuzuku:canceled` fires, with
   * `{ outcome, flowId, confirmationNumber, effectiveOn, subscription }` (no `receipt` text: the
   * API gives that with the confirmation's own answer only). False when it cannot be read.
   */
  async #canceledMeanwhile(subId: string, problem: Problem): Promise<boolean> {
    let sub: Subscription;
    try {
      sub = await this.#reread(subId);
    } catch {
      return false;
    }
    const number = sub.cancellation?.confirmationNumber ?? (typeof problem.confirmationNumber === "string" ? problem.confirmationNumber : null);
    const effectiveOn = sub.cancellation?.effectiveOn;
    if (sub.status !== "canceled" || !number || !effectiveOn) return false;
    const step = this.#step;
    const flowId = "flow" in step ? step.flow.flowId : "";
    this.#options.set(subId, null);
    const canceled: Canceled = { outcome: "canceled", flowId, confirmationNumber: number, effectiveOn, receipt: "", subscription: sub };
    this.#emit("tsuzuku:canceled", canceled);
    this.#go({ name: "receipt", canceled }, "h2");
    return true;
  }

  /** Why a comeback offer could not be taken: until when it could, when the API says (`validUntil`), else that it is gone. */
  #comebackGone(problem: Problem): string {
    const until = typeof problem.validUntil === "string" ? problem.validUntil : null;
    return until ? this.#t("comebackExpired", { date: this.#date(until) }) : this.#t("comebackGone");
  }

  /** The card of subscription `subId` on the list, or (null, or in a cancel flow) the flow's frame. */
  #cardOf(subId: string | null): HTMLElement | null {
    const cards = [...this.#main.querySelectorAll<HTMLElement>("[data-subscription]")];
    return (subId !== null ? cards.find((el) => el.dataset.subscription === subId) : undefined) ?? this.#main.querySelector<HTMLElement>("[data-flow]");
  }

  /** Reads one subscription and its options again and shows the list with it. */
  async #reloadCard(subId: string) {
    void this.#leaveFlow();
    const sub = await this.#api<Subscription>({ method: "GET", path: `/v1/subscriptions/${encodeURIComponent(subId)}` });
    this.#replace(sub);
    await this.#loadOptions(sub);
    this.#go({ name: "list" }, `#sub-${cssId(subId)}`);
  }

  /** The status line beside a subscription's card (one element per subscription, see #cardStatuses). */
  #cardStatus(subId: string): HTMLElement {
    let line = this.#cardStatuses.get(subId);
    if (!line) {
      line = h("p", { class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true", "data-card-status": "" });
      this.#cardStatuses.set(subId, line);
    }
    return line;
  }

  async #load() {
    this.#step = { name: "loading" };
    this.#render();
    // Shown again while an action of its earlier mount is still under way: the plans are read once it has ended.
    if (this.#busy) {
      this.#loadWhenIdle = true;
      return;
    }
    await this.#run(async () => {
      const setup = await this.#setupProblem(null);
      if (setup) throw new ApiProblem(setup);
      // Whose my-page this is comes from the API, not from reading the token.
      const me = await this.#api<{ customerId: string; subscriptionId: string | null }>({ method: "GET", path: "/v1/customer-sessions/current" }).catch(async (e: unknown) => {
        const hidden = e instanceof ApiProblem ? await this.#setupProblem(e.problem) : null;
        throw hidden ? new ApiProblem(hidden) : e;
      });
      const focused = this.getAttribute("subscription") ?? me.subscriptionId;
      let subs: Subscription[];
      if (focused) subs = [await this.#api<Subscription>({ method: "GET", path: `/v1/subscriptions/${encodeURIComponent(focused)}` })];
      else {
        const page = await this.#api<Page<Subscription>>({ method: "GET", path: `/v1/customers/${encodeURIComponent(me.customerId)}/subscriptions?limit=100` });
        // What the customer can change first: delivering, then paused, then cancelled (each in the API's order).
        const rank = (s: Subscription) => (s.status === "active" ? 0 : s.status === "paused" ? 1 : 2);
        subs = [...page.data].sort((a, b) => rank(a) - rank(b)); // a stable sort
      }
      await Promise.all([...subs.map((s) => this.#loadOptions(s)), this.#loadKeepInTouch(me.customerId), this.#loadProfiling(me.customerId)]);
      this.#customerId = me.customerId;
      this.#subs = subs;
      this.#focused = focused !== null;
      this.#step = { name: "list" };
      this.#render();
    });
  }

  async #loadOptions(sub: Subscription) {
    this.#optionsFailed.delete(sub.id);
    try {
      this.#options.set(sub.id, await this.#api<PlanOptions>({ method: "GET", path: `/v1/subscriptions/${encodeURIComponent(sub.id)}/plan-options` }));
    } catch (e) {
      // Without the rules the portal still works: the API refuses what it must, with its message.
      if (e instanceof ApiProblem && e.problem.code === "session_expired") throw e;
      this.#options.set(sub.id, null);
      // Unread for now (no connection, a server failure): the card says so and reads them again on request.
      if (e instanceof ApiProblem && (e.problem.status === 0 || e.problem.status >= 500)) this.#optionsFailed.add(sub.id);
    }
  }

  /**
   * The card's controls while its plan-options are unread: a form without the shop's limits (any
   * quantity 1–999, no intervals, no dates) would offer what the shop refuses, so no change is
   * offered — a line says why, with a button that reads them again; cancelling stays available.
   */
  #optionsUnavailable(sub: Subscription): Node[] {
    const reload = () =>
      void this.#run(async () => {
        await this.#loadOptions(sub);
        if (this.#optionsFailed.has(sub.id)) throw new ApiProblem({ title: "Network error", status: 0, code: "network_error" });
        this.#go({ name: "list" }, `#sub-${cssId(sub.id)}`);
      }, sub.id, undefined, null, "read");
    return [
      h("p", { class: "note", "data-options-unavailable": "" }, this.#t("optionsUnavailable")),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", part: "reload-options", onclick: reload }, this.#t("optionsReload")),
        h("button", { type: "button", part: "cancel-button", onclick: () => this.#startCancel(sub) }, this.#t("cancel")),
      ),
    ];
  }

  async #loadKeepInTouch(customerId: string) {
    try {
      this.#keep = await this.#api<KeepInTouch>({ method: "GET", path: `/v1/customers/${encodeURIComponent(customerId)}/keep-in-touch` });
    } catch (e) {
      // Without it the portal still works; only the withdraw control is missing.
      if (e instanceof ApiProblem && e.problem.code === "session_expired") throw e;
      this.#keep = null;
    }
  }

  async #loadProfiling(customerId: string) {
    this.#profilingFailed = false;
    try {
      this.#profiling = await this.#api<ProfilingOptOut>({ method: "GET", path: `/v1/customers/${encodeURIComponent(customerId)}/profiling-opt-out` });
    } catch (e) {
      if (e instanceof ApiProblem && e.problem.code === "session_expired") throw e;
      this.#profiling = null;
      // Unread for now (no connection, a server failure): the card says so and reads it again on request.
      if (e instanceof ApiProblem && (e.problem.status === 0 || e.problem.status >= 500)) this.#profilingFailed = true;
    }
  }

  /** A review opened: it holds a history entry (pushed unless one is held already) that Back takes with `close`. */
  #holdReviewEntry(close: () => void) {
    if (!this.#reviewClose && !this.#flowEntry) history.pushState(history.state, "");
    this.#reviewClose = close;
  }

  /** The review left by the portal itself (its buttons, its result): its history entry is taken back. */
  #dropReviewEntry() {
    if (!this.#reviewClose) return;
    this.#reviewClose = null;
    this.#popOwn = true;
    history.back();
  }

  /** Shows `step`, focus on `focus`; `announce` in the status line beside card `subId`, else the portal's. */
  #go(step: Step, focus: string, announce?: string | (Node | string)[], subId?: string) {
    // An answer that arrives after the element was unmounted changes neither the host's history nor
    // the element: a cancel flow it opened is ended at once, and the element shown again reads afresh.
    if (!this.#connected) {
      if (isFlowStep(step)) void this.#api({ method: "POST", path: `/v1/cancel-flows/${encodeURIComponent(step.flow.flowId)}/abandon`, keepalive: true }).catch(() => undefined);
      this.#step = { name: "loading" };
      return;
    }
    // A review's entry becomes the cancel flow's when the flow opens from the same screen; else it goes with the review.
    if (this.#reviewClose && isFlowStep(step) && !this.#flowEntry) {
      this.#reviewClose = null;
      this.#flowEntry = true;
    } else this.#dropReviewEntry();
    if (isFlowStep(step) && !this.#flowEntry) {
      history.pushState(history.state, "");
      this.#flowEntry = true;
    } else if (!isFlowStep(step) && this.#flowEntry) {
      this.#flowEntry = false;
      this.#popOwn = true;
      history.back();
    }
    this.#step = step;
    this.#focus = focus;
    this.#status.replaceChildren(...(subId === undefined && announce ? [announce].flat() : []));
    for (const line of this.#cardStatuses.values()) line.textContent = "";
    this.#render();
    // Set once the card is in place, so the live region announces it.
    if (subId !== undefined && announce) {
      const line = this.#cardStatus(subId);
      line.replaceChildren(...[announce].flat());
      // Shown where the customer is looking: the card's heading at the top of the screen, the result under it.
      const reveal = () => {
        this.#main.querySelector<HTMLElement>(focus)?.scrollIntoView({ block: "start" });
        line.scrollIntoView({ block: "nearest" });
      };
      reveal();
      if (this.#popOwn) this.#revealAfterPop = reveal;
    }
  }

  #render() {
    // The portal's language on its own root: `all: initial` on :host resets the language the page's
    // lang gives (Chromium's locale), and line breaking by phrase (word-break: auto-phrase) needs it.
    this.#container.lang = this.#lang;
    const step = this.#step;
    let view: (Node | Node[])[];
    switch (step.name) {
      case "loading":
        view = [h("p", {}, this.#t("loading"))];
        break;
      case "list":
        view = this.#list();
        break;
      case "reason":
        view = this.#reasonStep(step.sub, step.flow);
        break;
      case "offers":
        view = this.#offersStep(step.sub, step.flow, step.answer);
        break;
      case "confirm":
        view = this.#confirmStep(step.sub, step.flow);
        break;
      case "receipt":
        view = this.#receipt(step.canceled);
        break;
      case "saved":
        view = this.#saved(step.saved);
        break;
    }
    this.#main.replaceChildren(...view.flat());
    if (this.#focus) this.#main.querySelector<HTMLElement>(this.#focus)?.focus();
    this.#focus = null;
    // The customer-level card follows what this embed now knows: another embed showing it (or not) renders again.
    if (step.name === "list")
      for (const other of portals)
        if (other !== this && other.#step.name === "list" && (other.#keepShownHere() !== (other.#main.querySelector("[data-keep-in-touch]") !== null) || other.#dataUseShownHere() !== (other.#main.querySelector("[data-data-use]") !== null))) other.#render();
  }

  // ---- the list and plan changes ----

  #list(): (Node | Node[])[] {
    const subs = this.#subs;
    const only = this.#focused && subs.length === 1 ? subs[0] : undefined;
    return [
      h("h2", { id: "title", tabindex: -1, part: "title" }, only ? this.#withShopText("titleFor", { product: only.product.name }, "product") : this.#t("title")),
      subs.length === 0 ? h("p", {}, this.#t("none")) : subs.map((s) => this.#card(s)),
      // No card until keep-in-touch is given: replaceChildren would write a null as the text "null".
      ...[this.#keepInTouchCard(), this.#dataUseCard()].filter((card) => card !== null),
    ];
  }

  /**
   * 「お客様情報の取り扱い」: the customer's objection to profiling (個人情報保護法 §35 利用停止, CCPA/CPRA
   * opt-out, GDPR Art. 21), theirs to set at any time. The state in plain words, what stopping it
   * changes and what it does not, and a checkbox saved by 「設定を保存する」: the value is sent, not a
   * toggle, so a double click cannot switch it back (and an unchanged value sends nothing).
   */
  #dataUseCard(): HTMLElement | null {
    if (!this.#dataUseShownHere()) return null;
    const current = this.#profiling;
    const customerId = this.#customerId!;
    const section = (...body: (Node | null)[]) =>
      h(
        "section",
        { class: "card", part: "data-use", "aria-labelledby": "data-use-title", "data-data-use": "" },
        h("h3", { id: "data-use-title", tabindex: -1 }, this.#t("dataUseTitle")),
        this.#cardStatus(DATA_USE),
        ...body,
      );
    if (!current) {
      const reload = () =>
        void this.#run(async () => {
          await this.#loadProfiling(customerId);
          if (this.#profilingFailed) throw new ApiProblem({ title: "Network error", status: 0, code: "network_error" });
          this.#go({ name: "list" }, "#data-use-title");
        }, null, this.#main.querySelector<HTMLElement>("[data-data-use]"), null, "read");
      return section(
        h("p", { class: "note" }, this.#t("dataUseUnread")),
        h("p", { class: "message", role: "alert", part: "message" }),
        h("div", { class: "actions" }, h("button", { type: "button", part: "reload-data-use", onclick: reload }, this.#t("optionsReload"))),
      );
    }
    const box = h("input", { type: "checkbox", id: "data-use-stop", name: "profilingOptOut", checked: current.profilingOptOut }) as HTMLInputElement;
    return section(
      h("p", { class: "state", "data-data-use-state": "" }, this.#t(current.profilingOptOut ? "dataUseOff" : "dataUseOn")),
      h("p", {}, this.#t("dataUseChanges")),
      h("ul", {}, h("li", {}, this.#t("dataUseNoRisk")), h("li", {}, this.#t("dataUseNoPersonal")), h("li", {}, this.#t("dataUseNoComeback"))),
      h("p", {}, this.#t("dataUseKept")),
      h("p", { class: "message", role: "alert", part: "message" }),
      h("label", { class: "check" }, box, this.#t("dataUseStop")),
      h("div", { class: "actions" }, h("button", { type: "button", part: "save-data-use", onclick: () => this.#saveProfiling(customerId, box.checked) }, this.#t("dataUseSave"))),
    );
  }

  /** Whether this embed shows the data-use card: once per customer on a page, in the first embed (as keep-in-touch). */
  #dataUseShownHere(): boolean {
    return this.#firstToShow((p) => (p.#profiling || p.#profilingFailed ? p.#customerId : null));
  }

  /**
   * Saves the objection as the checkbox says it. When the card already shows that value (the second
   * click of a double click, once the first is done), the setting is read again and nothing is sent
   * unless it differs (changed meanwhile in another tab): the same confirmation is said, and it is
   * true. A lost answer is told apart by reading the setting again (#write). Keep-in-touch is read
   * again after: a customer left out of profiling is not contacted about coming back.
   */
  #saveProfiling(customerId: string, optOut: boolean) {
    void this.#run(async () => {
      const path = `/v1/customers/${encodeURIComponent(customerId)}/profiling-opt-out`;
      const read = () => this.#api<ProfilingOptOut>({ method: "GET", path });
      if (this.#profiling?.profilingOptOut === optOut) this.#profiling = await read();
      if (this.#profiling?.profilingOptOut !== optOut) {
        const applied = async () => (await read()).profilingOptOut === optOut;
        this.#profiling = await this.#write<ProfilingOptOut>(`profiling ${customerId} ${optOut}`, { method: "PUT", path, body: { profilingOptOut: optOut } }, applied);
        await this.#loadKeepInTouch(customerId).catch(() => undefined);
        for (const other of portals) if (other !== this && other.#customerId === customerId) other.#keep = this.#keep;
      }
      // Every embed of the customer shows what is now true.
      for (const other of portals) if (other.#customerId === customerId) other.#profiling = this.#profiling;
      this.#go({ name: "list" }, "#data-use-title", this.#t(optOut ? "dataUseSavedOff" : "dataUseSavedOn"), DATA_USE);
      for (const other of portals) if (other !== this && other.#customerId === customerId && other.#step.name === "list") other.#render();
    }, null, this.#main.querySelector<HTMLElement>("[data-data-use]"), null, "change");
  }

  /**
   * While the shop may contact the customer about coming back (keep-in-touch given, or never
   * answered and marketing consent given, with a plan cancelled), they can stop it here at any
   * time (特定電子メール法: opt-out always possible).
   */
  #keepInTouchCard(): HTMLElement | null {
    const keep = this.#keep;
    if (!keep || !this.#keepShownHere()) return null;
    return h(
      "section",
      { class: "card", part: "keep-in-touch", "aria-labelledby": "keep-title", "data-keep-in-touch": "" },
      h("h3", { id: "keep-title", tabindex: -1 }, this.#t("keepInTouchTitle")),
      // What is in force and that it can be stopped, said once: the shop's question itself
      // (「…よろしいですか？」) is not asked again over a button that can only stop (trial52).
      h("p", {}, this.#t(keep.keepInTouch === true ? "keepInTouchOn" : "keepInTouchByConsent")),
      h("p", { class: "message", role: "alert", part: "message" }),
      h("p", { class: "status", role: "status", "data-card-status": "" }),
      h("div", { class: "actions" }, h("button", { type: "button", part: "stop-keep-in-touch", onclick: () => this.#stopKeepInTouch(keep.customerId) }, this.#t("keepInTouchStop"))),
    );
  }

  /** Whether this embed would show the keep-in-touch card by what it knows of the customer. */
  #keepWanted(): boolean {
    const keep = this.#keep;
    if (keep?.contactable !== true) return false;
    // On marketing consent alone it only concerns a customer who has cancelled something.
    return keep.keepInTouch === true || this.#subs.some((s) => s.status === "canceled");
  }

  /**
   * The card is the customer's, not one subscription's: with several embeds on a page for the same
   * customer, the first in the page that would show it does (two identical regions otherwise).
   */
  #keepShownHere(): boolean {
    return this.#firstToShow((p) => (p.#keepWanted() ? (p.#keep?.customerId ?? null) : null));
  }

  /**
   * A customer-level card shows once on a page, in the first embed that would show it: `cardFor`
   * gives the customer an embed would show it for (null: none).
   */
  #firstToShow(cardFor: (p: TsuzukuPortal) => string | null): boolean {
    const mine = cardFor(this);
    if (mine === null) return false;
    for (const other of portals) {
      if (other === this || !other.isConnected || cardFor(other) !== mine) continue;
      if (other.compareDocumentPosition(this) & Node.DOCUMENT_POSITION_FOLLOWING) return false;
    }
    return true;
  }

  #stopKeepInTouch(customerId: string) {
    void this.#run(async () => {
      this.#keep = await this.#write<KeepInTouch>(`keep-in-touch ${customerId} off`, { method: "PUT", path: `/v1/customers/${encodeURIComponent(customerId)}/keep-in-touch`, body: { keepInTouch: false } }, sendAgain);
      // Another embed of the customer shows what is now true too.
      for (const other of portals) if (other.#keep?.customerId === customerId) other.#keep = this.#keep;
      this.#go({ name: "list" }, "#title", this.#t("keepInTouchStopped"));
    }, null, this.#main.querySelector<HTMLElement>("[data-keep-in-touch]"), null, "change");
  }

  #card(sub: Subscription): HTMLElement {
    const opts = this.#options.get(sub.id) ?? null;
    const headingId = `sub-${cssId(sub.id)}`;
    const status = sub.status === "active" ? "statusActive" : sub.status === "paused" ? "statusPaused" : "statusCanceled";
    const discount = this.#discount(sub);
    const card = h(
      "section",
      // Named by product and subscription number: two subscriptions of one product are two
      // distinct regions in a screen reader's landmark list (axe landmark-unique).
      { class: "card", part: "subscription", "aria-labelledby": `${headingId} ${headingId}-number`, "data-subscription": sub.id },
      h("h3", { id: headingId, tabindex: -1, lang: this.#ja(sub.product.name) }, sub.product.name),
      h("p", { class: "note", id: `${headingId}-number` }, this.#t("subscriptionNumber", { id: sub.id })),
      // A change's result right under the heading the focus goes to (trial24: at large text it sat
      // a screen and a half below, out of sight).
      this.#cardStatus(sub.id),
      h("p", { class: "state" }, this.#t(status)),
      h(
        "dl",
        {},
        sub.status === "paused" && sub.pausedUntil ? [h("dt", {}, this.#t("pausedUntil")), h("dd", {}, this.#date(sub.pausedUntil))] : null,
        sub.status !== "canceled" && sub.nextDeliveryOn ? [h("dt", {}, this.#t("nextDelivery")), h("dd", {}, this.#date(sub.nextDeliveryOn))] : null,
        sub.status === "canceled" && sub.cancellation?.effectiveOn ? [h("dt", {}, this.#t("effectiveOn")), h("dd", {}, this.#date(sub.cancellation.effectiveOn))] : null,
        sub.status === "canceled" && sub.cancellation?.confirmationNumber
          ? [h("dt", {}, this.#t("confirmationNumber")), h("dd", {}, h("span", { class: "number", "data-confirmation-number": "" }, sub.cancellation.confirmationNumber))]
          : null,
        sub.status === "canceled" ? null : this.#planRows(sub, discount),
      ),
      sub.status === "canceled" ? this.#afterCancellation(sub) : null,
      sub.status === "active" && opts?.skip.available ? h("p", { class: "note" }, this.#t("remainingSkips", { n: opts.skip.remainingSkips })) : null,
      sub.status !== "canceled" && opts?.firstChangeableDate ? h("p", { class: "note", "data-first-changeable": "" }, this.#firstChangeable(sub, opts.firstChangeableDate, opts.firstChoosableDate)) : null,
      this.#ruleNotes(sub, opts, preparing(sub, opts)),
      h("p", { class: "message", role: "alert", part: "message" }),
      sub.status === "canceled" ? this.#restartActions(sub, opts) : this.#actions(sub, opts),
    );
    // Every card has the same 「解約する」「次回のお届けをスキップ」「数量を変更」…: each is described by its
    // card's product, so a screen reader says which plan it acts on wherever the focus comes from
    // (a list of buttons, a jump by Tab) — trial32. The visible name stays the button's own text.
    for (const control of card.querySelectorAll<HTMLElement>("button, summary")) {
      if (!control.hasAttribute("aria-describedby")) control.setAttribute("aria-describedby", headingId);
    }
    return card;
  }

  /**
   * What the cut-off means for this plan (trial24: 「…以降のお届けを変更できます」 read as if nothing
   * could change until then): a next delivery before `first` is already being prepared and stays as
   * it is, and it is named; otherwise the next delivery can be moved to any day from `first`. The
   * date said is one the customer can pick (`choosable`, plan-options `firstChoosableDate`): the rule's
   * date may be a closed day (年末年始), which the date field then refuses.
   */
  #firstChangeable(sub: Subscription, first: string, choosable = first): string {
    const next = sub.nextDeliveryOn;
    if (next && next < first) return this.#t("firstChangeablePrepared", { next: this.#date(next), date: this.#date(choosable) });
    return this.#t("firstChangeable", { date: this.#date(choosable) });
  }

  /** What the plan delivers, at what price: interval, quantity, price per delivery, an accepted discount's run. */
  #planRows(sub: Subscription, discount: { nextIsDiscounted: boolean; text: string | null } | null): Node[] {
    return [
      h("dt", {}, this.#t("interval")),
      h("dd", {}, this.#cadence(sub)),
      h("dt", {}, this.#t("quantity")),
      h("dd", {}, this.#quantity(sub, sub.quantity)),
      h("dt", {}, this.#priceLabel("pricePerDelivery", sub.id)),
      h("dd", { "data-price": "" }, this.#price(sub, discount?.nextIsDiscounted === true)),
      ...(discount?.text ? [h("dt", {}, this.#t("discount")), h("dd", { "data-discount": "" }, discount.text)] : []),
      ...this.#commitmentRows(sub),
    ];
  }

  /** A running plan's commitment with a fee, as disclosed at sign-up: how many, how many received, the fee if cancelled before. */
  #commitmentRows(sub: Subscription): Node[] {
    const c = sub.commitment;
    const fee = c?.earlyCancellationFee;
    if (sub.status === "canceled" || !c || !fee || fee.amount <= 0 || sub.deliveriesCompleted === undefined) return [];
    const remaining = c.minDeliveries - sub.deliveriesCompleted;
    const text =
      remaining > 0
        ? this.#t("commitmentOpen", { min: c.minDeliveries, done: sub.deliveriesCompleted, remaining, fee: this.#money(fee) })
        : this.#t("commitmentMet", { min: c.minDeliveries });
    return [h("dt", {}, this.#t("commitment")), h("dd", { "data-commitment": "" }, text)];
  }

  /**
   * A cancelled plan's card says first what is still coming and charged (trial24: a card that went
   * on listing the interval, quantity and price read like a running plan): nothing; or the last
   * delivery the cut-off still ships (`cancellation.finalDeliveryOn`) with its price, and the
   * early-cancellation fee the cancellation charged (`cancellation.earlyCancellationFee`). Once the
   * last delivery's day has passed, nothing more is coming. What the plan was comes after, under its
   * own heading, so it is not read as what goes on.
   */
  #afterCancellation(sub: Subscription): Node[] {
    const c = sub.cancellation;
    const last = c?.finalDeliveryOn ?? null;
    const fee = c?.earlyCancellationFee && c.earlyCancellationFee.amount > 0 ? c.earlyCancellationFee : null;
    // The browser's date is near enough: the last delivery's day itself still counts as coming.
    const coming = last !== null && last >= localToday();
    const key = coming ? (fee ? "afterCancelLastAndFee" : "afterCancelLast") : fee ? "afterCancelFee" : "afterCancelNothing";
    const id = `sub-${cssId(sub.id)}-before`;
    return [
      h("p", { class: "after-cancel", "data-after-cancellation": "" }, this.#t(key, { date: last ? this.#date(last) : "" })),
      last || fee
        ? h(
            "dl",
            {},
            last ? [h("dt", {}, this.#t("lastDelivery")), h("dd", {}, this.#date(last)), h("dt", {}, this.#priceLabel("lastDeliveryCharge", sub.id)), h("dd", {}, this.#money(perDelivery(sub)))] : null,
            fee ? [h("dt", {}, this.#t("cancellationFee")), h("dd", { "data-fee": "" }, this.#money(fee))] : null,
          )
        : null,
      h("h4", { id }, this.#t("planBeforeCancel")),
      h("dl", { "aria-labelledby": id, "data-plan-before": "" }, this.#planRows(sub, null)),
    ];
  }

  /**
   * The rule of each action plan-options closes (`data-skip-rule`, `data-pause-rule`, …), said once
   * when one rule closes several (the cut-off, whatever its words per action): a customer looking for a pause reads the shop's
   * rule instead of finding nothing. A canceled plan's restart says its own (#restartActions).
   * `cutoffSaid`: the card already names the delivery being prepared (#firstChangeable), which is the
   * cut-off said with its weekdays and what can change from when, so no action repeats it (trial52).
   */
  #ruleNotes(sub: Subscription, opts: PlanOptions | null, cutoffSaid: boolean): Node[] {
    if (!opts || sub.status === "canceled") return [];
    const actions = sub.status === "active" ? (["skip", "nextDelivery", "interval", "quantity", "pause"] as const) : (["resume"] as const);
    const said = new Set<string>(cutoffSaid ? ["change_window_closed"] : []);
    const out: Node[] = [];
    for (const action of actions) {
      const refusal = opts[action].refusal;
      const detail = refusal?.detail;
      // The cut-off closes each change in its own words (「スキップは…」「数量の変更は…」), the same rule four
      // times over (trial49): said once — by the line that names the delivery being prepared, when the card has it.
      const key = refusal?.code === "change_window_closed" ? refusal.code : detail;
      if (!detail || !key || said.has(key)) continue;
      said.add(key);
      out.push(h("p", { class: "note", [`data-${action === "nextDelivery" ? "next-delivery" : action}-rule`]: "" }, detail));
    }
    return out;
  }

  /**
   * A cancelled plan's way back (reactivate), offered when plan-options says it is open: a button
   * that opens the final confirmation of what restarts (#reviewRestart), never a restart at once.
   * When the shop sent a comeback offer the customer may still take (plan-options
   * `reactivate.comeback`), the card shows it — the shop's own copy of what it gives, and until
   * when — with two equal ways: restart with it, or without it.
   */
  #restartActions(sub: Subscription, opts: PlanOptions | null): Node[] {
    if (opts?.reactivate?.available !== true || !opts.reactivate.nextDeliveryOn) return [];
    const restart = opts.reactivate;
    const review = (offer: RestartComeback | null) => (e: Event) => this.#reviewRestart(sub, restart, (e.currentTarget as HTMLElement).parentElement!, offer);
    const comeback = restart.comeback ?? null;
    if (!comeback) return [h("div", { class: "actions" }, h("button", { type: "button", part: "restart-button", onclick: review(null) }, this.#t("restart")))];
    const id = `${cssId(sub.id)}-comeback`;
    return [
      h(
        "div",
        { class: "offer", part: "comeback", role: "group", "aria-labelledby": `${id}-title`, "data-comeback": comeback.offerId },
        h("h4", { id: `${id}-title` }, this.#t("comebackTitle")),
        h("p", { "data-comeback-title": "" }, h("strong", { lang: this.#ja(comeback.title) }, comeback.title)),
        h("p", { class: "description", lang: this.#ja(comeback.description), "data-comeback-description": "" }, comeback.description),
        h("p", { class: "note", "data-valid-until": "" }, this.#t("comebackUntil", { date: this.#date(comeback.validUntil) })),
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", part: "restart-with-offer", onclick: review(comeback) }, this.#t("restartWithOffer")),
        h("button", { type: "button", part: "restart-button", onclick: review(null) }, this.#t("restartWithoutOffer")),
      ),
    ];
  }

  /**
   * The restart's final confirmation (特定商取引法 §12-6): what restarts — product, quantity,
   * interval, price per delivery, the first delivery and its charge, and the offer it takes (the
   * comeback offer chosen on the card, its terms as the plan restarts with it) or that none applies —
   * and 「この内容で定期コースを再開する」, which sends that first delivery's date (and the offer), so the
   * plan restarts on the date shown with what is shown; a way back changes nothing.
   */
  #reviewRestart(sub: Subscription, restart: NonNullable<PlanOptions["reactivate"]>, from: HTMLElement, offer: RestartComeback | null = null) {
    // With an offer, the plan restarts on the date its terms were computed for (the API's too).
    const first = offer ? offer.restartOn : restart.nextDeliveryOn!;
    // As if never cancelled, the plan keeps its accepted discount: priced as the card would price it.
    // A restart taking an offer is a new start, unless the final delivery is still coming.
    const kept = offer ? restart.continues : restart.asIfNeverCanceled;
    const plain = { ...sub, status: "active" as const, nextDeliveryOn: first, activeDiscount: kept ? sub.activeDiscount : null };
    const back_ = offer ? restartedWith(plain, offer) : plain;
    const discount = this.#discount(back_);
    const fee = sub.cancellation?.earlyCancellationFee ?? null;
    const row = (label: string, value: (Node | string)[] | string, data: string) => [h("dt", {}, label), h("dd", { [`data-${data}`]: "" }, value)];
    this.#openReview(from, {
      id: `${cssId(sub.id)}-restart`,
      title: "restartTitle",
      intro: "restartIntro",
      confirm: ["confirm-restart", "confirmRestart", () => this.#restart(sub, first, offer)],
      cancel: ["cancel-restart", "cancelRestart"],
      focusBack: () => from.querySelector<HTMLElement>(`[part~="${offer ? "restart-with-offer" : "restart-button"}"]`),
    }, [
      h(
        "dl",
        {},
        row(this.#t("product"), [h("span", { lang: this.#ja(back_.product.name) }, back_.product.name)], "product"),
        row(this.#t("quantity"), this.#quantity(back_, back_.quantity), "quantity"),
        row(this.#t("interval"), this.#cadence(back_), "interval"),
        row(this.#priceLabel("pricePerDelivery", back_.id), this.#price(back_, discount?.nextIsDiscounted === true), "price"),
        discount?.text ? row(this.#t("discount"), discount.text, "discount") : null,
        row(this.#t("restartFirst"), this.#date(first), "next"),
        row(this.#priceLabel("nextCharge", back_.id), this.#t("nextChargeValue", { price: this.#money(this.#chargeOf(back_, back_)), date: this.#date(first) }), "charge"),
        offer ? row(this.#t("restartOffer"), [h("span", { lang: this.#ja(offer.title) }, offer.title)], "comeback-offer") : null,
      ),
      offer ? h("p", { class: "description note", lang: this.#ja(offer.description) }, offer.description) : null,
      restart.continues ? h("p", { class: "note" }, this.#t("restartContinues", { date: this.#date(first) })) : null,
      fee && fee.amount > 0 && restart.undoesCancellation !== undefined ? h("p", { class: "note", "data-fee": "" }, this.#t(restart.undoesCancellation ? "restartFeeWaived" : "restartFeeStands", { amount: this.#money(fee) })) : null,
      offer ? null : h("p", { class: "note", "data-offer": "" }, this.#t("restartNoOffer")),
    ]);
  }

  /**
   * Restarts the plan on `first`, the date its confirmation showed, with the comeback `offer` it
   * showed (or none), sent as every write is (#write): a press again after a lost reply goes with the
   * same key; applied when the plan is live again. An offer no longer takeable (409 `offer_expired`,
   * `offer_not_shown`: its time ran out while the page was open, the shop withdrew it) restarts
   * nothing: #run shows the card as it is now and says why (#comebackGone).
   */
  #restart(sub: Subscription, first: string, offer: RestartComeback | null = null) {
    if (!this.#busy) this.#markActive(sub.id);
    void this.#run(async () => {
      const body = { nextDeliveryOn: first, ...(offer ? { offerId: offer.offerId } : {}), channel: "web" };
      const call: Omit<Call, "idempotencyKey"> = { method: "POST", path: `/v1/subscriptions/${encodeURIComponent(sub.id)}/reactivate`, body };
      const result = await this.#sendReviewed<Reactivated>(sub, `reactivate ${sub.id} ${sub.version} ${first} ${offer?.offerId ?? ""}`, call, async () => (await this.#reread(sub.id)).status !== "canceled");
      this.#emit("tsuzuku:reactivated", result);
      const next = result.subscription.nextDeliveryOn ?? first;
      // The earlier cancellation (its receipt number) no longer applies: said, so its receipt is not taken for what stands (trial24).
      // Said once, with what became of its fee, in the portal's own short words: the API's note (written for the
      // confirmation before agreeing) named the number a second time and the commitment, ~250 characters (trial55).
      const number = sub.cancellation?.confirmationNumber;
      const fee = result.cancellationFee;
      const amount = fee ? this.#money(fee.amount) : "";
      const undone = fee?.waived ? (number ? this.#t("restartedFeeWaived", { number, amount }) : this.#t("restartFeeWaived", { amount })) : null;
      const what = [this.#t("restarted", { date: this.#date(next) }), undone ?? (number ? this.#t("restartedCancellation", { number }) : null), fee && !fee.waived ? this.#t("restartFeeStands", { amount }) : null]
        .filter(Boolean)
        .join(this.#lang === "ja" ? "" : " ");
      this.#go({ name: "list" }, `#sub-${cssId(sub.id)}`, this.#withShopText("changedOn", { product: result.subscription.product.name, id: sub.id, what }, "product"), sub.id);
    }, sub.id, undefined, null, "restart");
  }

  #actions(sub: Subscription, opts: PlanOptions | null): Node[] {
    if (this.#optionsFailed.has(sub.id)) return this.#optionsUnavailable(sub);
    const id = cssId(sub.id);
    // Every change is reviewed before it is sent (#review): what it commits to, then a button that says so.
    const change = (action: string, body: Record<string, unknown>, field: HTMLElement | null, from: HTMLElement) => this.#review(sub, action, body, field, from);
    const out: Node[] = [];
    const buttons = h("div", { class: "actions" });
    // Only what the rules will accept is offered (plan-options), a closed action's rule said on the
    // card instead (the skip's and the resume's, as the API would refuse them); without the rules,
    // everything is, and the API's refusal is shown.
    const open = (action: { available: boolean } | undefined) => action?.available !== false;
    if (sub.status === "active" && open(opts?.skip)) {
      buttons.append(h("button", { type: "button", part: "skip-button", onclick: (e: Event) => change("skip", { count: 1 }, null, (e.currentTarget as HTMLElement).parentElement!) }, this.#t("skip")));
    }
    buttons.append(h("button", { type: "button", part: "cancel-button", onclick: () => this.#startCancel(sub) }, this.#t("cancel")));
    out.push(buttons);
    if (sub.status === "paused" && open(opts?.resume)) out.push(this.#resumeForm(sub, opts));
    if (sub.status !== "active") return out;

    // A date field says which days it takes before anything is sent: a screen reader does not read
    // the picker's greyed-out days, so the range was learnt only from an error (trial32).
    const dateMin = opts?.nextDelivery.earliest ?? opts?.firstChangeableDate;
    const dateMax = opts?.nextDelivery.latest;
    const dateHint = this.#choosable(dateMin, dateMax, opts?.closedDates);
    if (open(opts?.nextDelivery)) {
      out.push(
        this.#form(id, "moveDelivery", "date", (form) => change("next-delivery", { date: value(form, "date") }, inputOf(form, "date"), form), [
          this.#field(
            `${id}-date`,
            this.#t("newDate"),
            this.#refuseClosed(h("input", { id: `${id}-date`, name: "date", type: "date", required: true, min: dateMin, max: dateMax, value: sub.nextDeliveryOn ?? "", "aria-describedby": dateHint ? `${id}-date-hint` : undefined }), opts?.closedDates),
          ),
          dateHint ? h("p", { id: `${id}-date-hint`, class: "note" }, dateHint) : null,
        ]),
      );
    }
    const intervals = opts?.interval.allowedIntervalDays;
    const months = opts?.interval.allowedIntervalMonths ?? [];
    if (open(opts?.interval)) {
      // The plan's own interval is chosen already and says so (the attribute too: a form reset keeps it).
      const choice = (v: string, current: boolean, cadence: Pick<Subscription, "intervalDays" | "intervalMonths">) =>
        h("label", { class: "radio" }, h("input", { type: "radio", name: "intervalDays", value: v, checked: current, defaultChecked: current, required: true, "data-current": current ? "" : undefined }), current ? this.#t("currentChoice", { label: this.#cadence(cadence) }) : this.#cadence(cadence));
      // A month choice is sent as `m<N>` (intervalMonths), a day choice as its days.
      const chosen = (form: HTMLFormElement) => {
        const v = value(form, "intervalDays");
        return v.startsWith("m") ? { intervalMonths: Number(v.slice(1)) } : { intervalDays: Number(v) };
      };
      const monthChoices = months.map((n) => choice(`m${n}`, n === sub.intervalMonths, { intervalDays: 0, intervalMonths: n }));
      const dayChoices = (intervals ?? []).map((n) => choice(String(n), !sub.intervalMonths && n === sub.intervalDays, { intervalDays: n, intervalMonths: null }));
      out.push(
        this.#form(id, "changeInterval", "interval", (form) => change("interval", chosen(form), null, form), [
          (intervals && intervals.length > 0) || months.length > 0
            ? h(
                "fieldset",
                {},
                h("legend", {}, this.#t("interval")),
                // Both kinds offered: 「2ヶ月ごと」 and 「60日ごと」 read alike but keep or leave the plan's
                // day of the month, so each group says which it does (trial41).
                months.length > 0 && intervals && intervals.length > 0
                  ? [
                      h("fieldset", { class: "group" }, h("legend", {}, this.#monthGroup(sub)), monthChoices),
                      h("fieldset", { class: "group" }, h("legend", {}, this.#t("intervalDaysGroup")), dayChoices),
                    ]
                  : [monthChoices, dayChoices],
              )
            : this.#field(`${id}-interval`, this.#t("interval"), h("input", { id: `${id}-interval`, name: "intervalDays", type: "number", inputmode: "numeric", min: 1, max: 365, required: true, value: String(sub.intervalDays) })),
        ]),
      );
    }
    const qMin = opts?.quantity.min ?? 1;
    const qMax = opts?.quantity.max ?? 999;
    if (open(opts?.quantity)) {
      out.push(
        this.#form(id, "changeQuantity", "quantity", (form) => change("quantity", { quantity: Number(value(form, "quantity")) }, inputOf(form, "quantity"), form), [
          this.#field(
            `${id}-quantity`,
            this.#t("newQuantity", { min: qMin, max: qMax }),
            h("input", { id: `${id}-quantity`, name: "quantity", type: "number", inputmode: "numeric", min: qMin, max: qMax, required: true, value: String(sub.quantity) }),
          ),
        ]),
      );
    }
    const earliest = opts?.pause.earliestResumeOn;
    const latest = opts?.pause.latestResumeOn;
    const resumeHint = this.#choosable(earliest, latest, opts?.closedDates);
    if (open(opts?.pause)) {
      out.push(
        // The one date field that opens empty: not `required`, which a screen reader says as 「無効」
        // as soon as the form opens; an empty date is refused when sent, at the field.
        this.#form(id, "pause", "pause", (form) => {
          const resumeOn = value(form, "resumeOn");
          if (resumeOn === "") this.#fieldError(inputOf(form, "resumeOn")!, this.#t("fieldMissing"));
          else change("pause", { resumeOn }, inputOf(form, "resumeOn"), form);
        }, [
          this.#field(
            `${id}-resume`,
            this.#t("resumeOn"),
            this.#refuseClosed(h("input", { id: `${id}-resume`, name: "resumeOn", type: "date", min: earliest, max: latest, "aria-describedby": resumeHint ? `${id}-resume-hint` : undefined }), opts?.closedDates),
          ),
          resumeHint ? h("p", { id: `${id}-resume-hint`, class: "note" }, resumeHint) : null,
        ]),
      );
    }
    return out;
  }

  /**
   * Resuming asks first: the first delivery's date (the API's own default, the first changeable
   * date, or another the customer picks within the rules) and what it costs, then confirms with
   * that date sent — never a delivery brought forward without the customer seeing it.
   */
  #resumeForm(sub: Subscription, opts: PlanOptions | null): HTMLElement {
    const id = cssId(sub.id);
    // The API restarts on the delivery the pause stopped while it can still be changed (plan-options `resume.nextDeliveryOn`).
    const choosable = opts?.firstChoosableDate ?? opts?.firstChangeableDate;
    const first = opts?.resume.nextDeliveryOn ?? choosable ?? "";
    const terms = (date: string) => (date ? this.#t("resumeTerms", { date: this.#date(date), price: this.#charged(perDelivery(sub), sub.id) }) : "");
    const shows = h("p", { id: `${id}-resume-terms`, class: "note", "data-resume-terms": "" }, terms(first));
    // From the first day the customer can pick (an open one), as the other date fields; the default (the plan's own delivery) stays in range.
    const min = choosable && first && first < choosable ? first : choosable;
    const hint = this.#choosable(min, opts?.nextDelivery.latest, opts?.closedDates);
    const input = h("input", {
      id: `${id}-first`,
      name: "nextDeliveryOn",
      type: "date",
      required: true,
      min,
      max: opts?.nextDelivery.latest,
      value: first,
      "aria-describedby": hint ? `${id}-resume-terms ${id}-first-hint` : `${id}-resume-terms`,
      oninput: () => (shows.textContent = terms((input as HTMLInputElement).validity.valid ? (input as HTMLInputElement).value : "")),
    });
    this.#refuseClosed(input as HTMLInputElement, opts?.closedDates);
    const hintLine = hint ? h("p", { id: `${id}-first-hint`, class: "note" }, hint) : null;
    return this.#form(id, "resume", "resume", (form) => this.#change(sub, "resume", { nextDeliveryOn: value(form, "nextDeliveryOn") }, inputOf(form, "nextDeliveryOn")), [this.#field(`${id}-first`, this.#t("resumeFirst"), input), shows, hintLine], "resumeApply", "resume-button");
  }

  /** A disclosure with one small form: a real <summary>, labelled inputs and a submit button. */
  #form(id: string, title: PortalTextKey, name: string, submit: (form: HTMLFormElement) => void, fields: (Node | null)[], apply: PortalTextKey = "apply", summaryPart?: string): HTMLElement {
    const form = h(
      "form",
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          submit(e.target as HTMLFormElement);
        },
      },
      fields,
      h("button", { type: "submit", part: `${name}-apply` }, this.#t(apply)),
    ) as HTMLFormElement;
    // The browser's own bubble is in the browser's language and gone in seconds: a value out of the
    // field's range is said beside it in the page's language instead (radios keep the browser's).
    form.addEventListener(
      "invalid",
      (e) => {
        const field = e.target as HTMLInputElement;
        if (field.type === "radio") return;
        e.preventDefault();
        // Every invalid control fires; the first one is said and focused.
        if (form.querySelector("input:invalid:not([type=radio])") === field) this.#fieldError(field, this.#invalidText(field));
      },
      true,
    );
    return h("details", { "data-form": `${id}-${name}` }, h("summary", { part: summaryPart }, this.#t(title)), form);
  }

  /** A labelled input and the place its error appears (see #fieldError); editing the value clears the error. */
  #field(id: string, label: string, input: HTMLElement): HTMLElement {
    const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
    input.addEventListener("input", () => {
      if (error.hidden) return;
      error.hidden = true;
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      const rest = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== error.id);
      if (rest.length > 0) input.setAttribute("aria-describedby", rest.join(" "));
      else input.removeAttribute("aria-describedby");
    });
    return h("div", { class: "field" }, h("label", { for: id }, label), input, error);
  }

  /**
   * A value refused (by the field's range, or by the shop's rule from the API): the words beside
   * the field, the field marked invalid and described by them, and the focus on it — as the fee
   * box does. A screen reader reads the error when the focus lands. Submitted with Enter from inside
   * the field, the focus does not move and nothing would be read: the error is then an alert, said
   * once each time it is shown (an alert when the focus moves would be said twice).
   */
  #fieldError(field: HTMLElement, text: string) {
    const error = field.parentElement?.querySelector<HTMLElement>(".field-error");
    if (!error) return;
    if (this.shadowRoot?.activeElement === field) error.setAttribute("role", "alert");
    else error.removeAttribute("role");
    error.textContent = text;
    error.hidden = false;
    field.setAttribute("aria-invalid", "true");
    const others = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== error.id);
    field.setAttribute("aria-describedby", [error.id, ...others].join(" "));
    field.focus();
  }

  /** The days a date field takes, said beside it before anything is sent (null: no limit known). */
  #choosable(min: string | undefined, max: string | undefined, closed: PlanOptions["closedDates"] = []): string | null {
    const range = min && max ? this.#t("choosableRange", { min: this.#date(min), max: this.#date(max) }) : max ? this.#t("choosableUntil", { max: this.#date(max) }) : min ? this.#t("choosableFrom", { min: this.#date(min) }) : null;
    // The shop's closed days inside the range (年末年始): a day picker cannot grey them out, so they are said.
    const inside = (closed ?? []).filter((r) => (!min || r.to >= min) && (!max || r.from <= max));
    if (inside.length === 0) return range;
    const days = inside.map((r) => (r.from === r.to ? this.#t("closedDay", { from: this.#date(r.from) }) : this.#t("closedRun", { from: this.#date(r.from), to: this.#date(r.to) })));
    const closedText = this.#t("closedDays", { days: days.join(this.#lang === "ja" ? "、" : ", ") });
    return range ? `${range}${this.#lang === "ja" ? "" : " "}${closedText}` : closedText;
  }

  /**
   * A date field that refuses the shop's closed days (plan-options `closedDates`) beside it, before
   * the review, as it does a date out of its range: the API would refuse them (422
   * `delivery_date_closed`) only after 「この内容で変更する」. Its own value (the delivery the plan has, or
   * the one resuming gives) stays choosable, as the API takes it.
   */
  #refuseClosed<T extends Element>(input: T, closed: PlanOptions["closedDates"] = []): T {
    const field = input as unknown as HTMLInputElement;
    const check = () => {
      const v = field.value;
      const shut = v !== "" && v !== field.defaultValue && (closed ?? []).some((r) => r.from <= v && v <= r.to);
      field.setCustomValidity(shut ? this.#t("dateClosed", { date: this.#date(v) }) : "");
    };
    field.addEventListener("input", check);
    field.addEventListener("change", check);
    return input;
  }

  /** Why the browser finds `field` invalid, in the page's language, with the field's own limits. */
  #invalidText(field: HTMLInputElement): string {
    const v = field.validity;
    if (field.type === "number") {
      return v.valueMissing && !v.badInput ? this.#t("fieldMissing") : this.#t("numberRange", { min: field.min || 1, max: field.max || 999 });
    }
    if (v.valueMissing) return this.#t("fieldMissing");
    if (field.type === "date" && (v.rangeUnderflow || v.rangeOverflow)) {
      // The range is said beside the field already (#choosable): the error says what is wrong and the
      // hint, read after it, says the range — not the same dates twice in a row.
      if (field.getAttribute("aria-describedby")?.split(" ").some((t) => t.endsWith("-hint"))) return this.#t("dateOutside");
      const [min, max] = [field.min ? this.#date(field.min) : "", field.max ? this.#date(field.max) : ""];
      return min && max ? this.#t("dateRange", { min, max }) : min ? this.#t("dateFrom", { min }) : this.#t("dateUntil", { max });
    }
    return field.validationMessage;
  }

  /**
   * The final confirmation of a plan change (特定商取引法 §12-6): nothing is sent yet. Beside the
   * form (or the skip button) `from`, the card shows what the customer agrees to — quantity, interval,
   * price per delivery, the next delivery and what it is charged — with 「この内容で変更する」, which
   * sends it, and a way back that changes nothing. The form stays in place (hidden), so a rule's
   * refusal of the value is said at its field once the review closes.
   */
  #review(sub: Subscription, action: string, body: Record<string, unknown>, field: HTMLElement | null, from: HTMLElement) {
    const isForm = from instanceof HTMLFormElement;
    this.#openReview(from, {
      id: `${cssId(sub.id)}-review`,
      title: "reviewTitle",
      intro: "reviewIntro",
      confirm: ["confirm-change", "confirmChange", () => this.#change(sub, action, body, field)],
      cancel: ["cancel-change", "cancelChange"],
      focusBack: () => (isForm ? from.querySelector<HTMLElement>("input:checked, input") : from.querySelector<HTMLElement>('[part~="skip-button"]')),
      hideFrom: isForm,
    }, [this.#reviewTerms(sub, action, body)]);
  }

  /**
   * Opens a final confirmation after `from` (any other open in its card closes first): its title,
   * which takes the focus, an intro, `content`, then the confirm button and a way back that changes
   * nothing. Closing it (the way back, the browser's back) gives the focus to `focusBack`; the
   * confirmation is an entry in the history while open (#holdReviewEntry).
   */
  #openReview(
    from: HTMLElement,
    o: { id: string; title: PortalTextKey; intro: PortalTextKey; confirm: [part: string, label: PortalTextKey, send: () => void]; cancel: [part: string, label: PortalTextKey]; focusBack: () => HTMLElement | null; hideFrom?: boolean },
    content: (Node | Node[] | null)[],
  ) {
    const card = from.closest<HTMLElement>("[data-subscription]");
    if (card) closeReview(card);
    const close = () => {
      closeReview(card ?? from);
      o.focusBack()?.focus();
    };
    const back = () => {
      this.#dropReviewEntry();
      close();
    };
    const panel = h(
      "div",
      { class: "review", part: "review", role: "group", "aria-labelledby": `${o.id}-title`, "data-review": "" },
      h("h4", { id: `${o.id}-title`, tabindex: -1 }, this.#t(o.title)),
      h("p", {}, this.#t(o.intro)),
      ...content,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", part: o.confirm[0], onclick: o.confirm[2] }, this.#t(o.confirm[1])),
        h("button", { type: "button", part: o.cancel[0], onclick: back }, this.#t(o.cancel[1])),
      ),
    );
    if (o.hideFrom) from.hidden = true;
    from.after(panel);
    this.#holdReviewEntry(close);
    panel.querySelector<HTMLElement>("h4")?.focus();
  }

  /** What the change commits the customer to, from the plan as it is and the change asked for. */
  #reviewTerms(sub: Subscription, action: string, body: Record<string, unknown>): HTMLElement {
    const after: Subscription = { ...sub };
    if (action === "quantity") after.quantity = Number(body.quantity);
    if (action === "interval") Object.assign(after, typeof body.intervalMonths === "number" ? { intervalDays: 0, intervalMonths: body.intervalMonths } : { intervalDays: Number(body.intervalDays), intervalMonths: null });
    if (action === "skip" && sub.nextDeliveryOn) after.nextDeliveryOn = addCycles(sub.nextDeliveryOn, sub, 1);
    if (action === "next-delivery") after.nextDeliveryOn = String(body.date);
    // Paused, the first delivery is the one on the resume date.
    if (action === "pause") Object.assign(after, { pausedUntil: String(body.resumeOn), nextDeliveryOn: String(body.resumeOn) });
    const row = (label: string, value: string, data: string) => [h("dt", {}, label), h("dd", { [`data-${data}`]: "" }, value)];
    const fromTo = (before: string, now: string) => (before === now ? now : this.#t("fromTo", { from: before, to: now }));
    // What the customer pays per delivery, as the card says it and the charge line counts it: the
    // discount on the next delivery included (before: as the card shows it; after: as #chargeOf).
    const discounted = this.#discount(sub)?.nextIsDiscounted === true;
    // The discount's run, when the change leaves its deliveries' dates as they are.
    const runs = (action === "quantity" || action === "interval") && discounted ? this.#discount(after)?.text : null;
    const next = after.nextDeliveryOn;
    return h(
      "dl",
      {},
      action === "skip" && sub.nextDeliveryOn ? row(this.#t("skippedDelivery"), this.#date(sub.nextDeliveryOn), "skipped") : null,
      action === "pause" ? row(this.#t("pausedUntil"), this.#date(String(body.resumeOn)), "resumes") : null,
      row(this.#t("quantity"), fromTo(this.#quantity(sub, sub.quantity), this.#quantity(after, after.quantity)), "quantity"),
      row(this.#t("interval"), fromTo(this.#cadence(sub), this.#cadence(after)), "interval"),
      row(this.#priceLabel("pricePerDelivery", sub.id), fromTo(this.#price(sub, discounted), this.#price(after, discounted)), "price"),
      runs ? row(this.#t("discount"), runs, "discount") : null,
      next ? row(this.#t("nextDelivery"), this.#date(next), "next") : null,
      next ? row(this.#priceLabel("nextCharge", sub.id), this.#t("nextChargeValue", { price: this.#money(this.#chargeOf(sub, after)), date: this.#date(next) }), "charge") : null,
    );
  }

  /**
   * What the next delivery of `after` (the plan once changed) is charged: one delivery at its
   * quantity, discounted when the plan's next delivery is (an accepted discount keeps its number of
   * deliveries, and moves with a skip or a new date: plan-changes/discount).
   */
  #chargeOf(sub: Subscription, after: Subscription): Money {
    const regular = perDelivery(after);
    const d = sub.activeDiscount;
    if (!d || !this.#discount(sub)?.nextIsDiscounted) return regular;
    return { amount: discountedPrice(regular.amount, d), currency: regular.currency };
  }

  /**
   * A reviewed write of `sub` sent (#write), then the card's plan and options replaced by what the
   * API answered. Refused: the review no longer stands; the form is back, for the refusal to be said
   * at its field.
   */
  async #sendReviewed<T extends { subscription: Subscription }>(sub: Subscription, intent: string, call: Omit<Call, "idempotencyKey">, applied: () => Promise<boolean>): Promise<T> {
    let result: T;
    try {
      result = await this.#write<T>(intent, call, applied);
    } catch (e) {
      const card = this.#cardOf(sub.id);
      if (card) closeReview(card);
      this.#dropReviewEntry();
      throw e;
    }
    this.#replace(result.subscription);
    await this.#loadOptions(result.subscription);
    return result;
  }

  /** `field`: the input the value came from, where a rule's refusal of that value is said. */
  #change(sub: Subscription, action: string, body: Record<string, unknown>, field: HTMLElement | null = null) {
    if (!this.#busy) this.#markActive(sub.id);
    void this.#run(async () => {
      // If-Match: the version this card showed; changed meanwhile (another tab) answers 412.
      // Applied when the version moved: a change bumps it (the same key then replays the answer).
      const intent = `${action} ${sub.id} ${sub.version} ${JSON.stringify(body)}`;
      const call: Omit<Call, "idempotencyKey"> = { method: "POST", path: `/v1/subscriptions/${encodeURIComponent(sub.id)}/${action}`, body: { ...body, channel: "web" }, ifMatch: sub.version };
      const result = await this.#sendReviewed<ChangeResult>(sub, intent, call, async () => (await this.#reread(sub.id)).version !== sub.version);
      this.#emit("tsuzuku:changed", result);
      const changed = result.subscription;
      const what = result.change === null ? this.#t("unchanged") : this.#changedText(action, changed);
      this.#go({ name: "list" }, `#sub-${cssId(sub.id)}`, this.#withShopText("changedOn", { product: changed.product.name, id: changed.id, what }, "product"), sub.id);
    }, sub.id, undefined, field);
  }

  /** What a change did and what happens next, from the subscription the API answered with. */
  #changedText(action: string, sub: Subscription): string {
    const next = sub.nextDeliveryOn ? this.#date(sub.nextDeliveryOn) : null;
    if (next === null) return this.#t("changed");
    switch (action) {
      case "skip":
        return this.#t("changedSkip", { date: next });
      case "next-delivery":
        return this.#t("changedNextDelivery", { date: next });
      case "interval":
        if (sub.intervalMonths && sub.nextDeliveryOn) {
          // The plan's day, not the next delivery's: a plan on the 31st whose next delivery is 02-28 goes on on the 31st.
          const vars = { n: sub.intervalMonths, date: next, day: sub.deliveryDay ?? Number(sub.nextDeliveryOn.slice(8, 10)) };
          return this.#t(sub.intervalMonths === 1 ? "changedIntervalMonth" : "changedIntervalMonths", vars);
        }
        return this.#t("changedInterval", { n: sub.intervalDays, date: next });
      case "quantity":
        return this.#t("changedQuantity", { n: this.#quantity(sub, sub.quantity), date: next, price: this.#charged(perDelivery(sub), sub.id) });
      case "pause":
        return this.#t("changedPause", { date: sub.pausedUntil ? this.#date(sub.pausedUntil) : next });
      case "resume":
        return this.#t("changedResume", { date: next });
      default:
        return this.#t("changed");
    }
  }

  /** Marks the card an action started from, so its refusal is shown right there. */
  #markActive(subscriptionId: string) {
    for (const el of this.#main.querySelectorAll("[data-active]")) el.removeAttribute("data-active");
    for (const el of this.#main.querySelectorAll<HTMLElement>("[data-subscription]")) {
      if (el.dataset.subscription === subscriptionId) {
        el.setAttribute("data-active", "");
        const message = el.querySelector(".message");
        if (message) message.textContent = "";
      }
    }
  }

  #replace(sub: Subscription) {
    this.#subs = this.#subs.map((s) => (s.id === sub.id ? sub : s));
    // Another embed on this page showing the same plan shows it as it is now: its next change
    // would otherwise be refused (412) as made "in another window".
    for (const other of portals) if (other !== this) other.#heard(sub);
  }

  /** `sub` as another embed on this page just read it: shown here too when newer than what this one shows. */
  #heard(sub: Subscription) {
    if (!this.#subs.some((s) => s.id === sub.id && s.version < sub.version)) return;
    this.#subs = this.#subs.map((s) => (s.id === sub.id ? sub : s));
    void this.#loadOptions(sub)
      .catch(() => undefined)
      .then(() => {
        if (this.#step.name === "list" && !this.#busy) this.#render();
      });
  }

  // ---- the cancel flow ----

  /** `toConfirm`: straight to the confirmation (the customer already chose to go on cancelling). */
  #startCancel(sub: Subscription, toConfirm = false) {
    if (!this.#busy) this.#markActive(sub.id);
    void this.#run(async () => {
      // Sent as every write is (#write): a press again after a lost answer gets the flow the first
      // press started, not a second flow (which would count the first as abandoned).
      const call: Omit<Call, "idempotencyKey"> = { method: "POST", path: `/v1/subscriptions/${encodeURIComponent(sub.id)}/cancel-flows`, body: { channel: "web" }, ifMatch: sub.version };
      const flow = await this.#write<FlowStarted>(`start ${sub.id} ${sub.version}`, call, sendAgain);
      // `noOffer` (Germany §312k) and `afterCancellation` show no offer before the confirmation:
      // nothing stands between the cancel button and it, not even the optional reasons.
      this.#go(flow.retentionPolicy === "oneOffer" && !toConfirm ? { name: "reason", sub, flow } : { name: "confirm", sub, flow }, "h2");
    }, sub.id, undefined, null, "cancel");
  }

  /**
   * The customer leaves an open cancel flow (back to the list, or the page goes away): the flow
   * is ended as abandoned, so a change they make afterwards is not counted as the flow's save.
   * On `pagehide` the request is sent with keepalive (it outlives the page). Failures are ignored:
   * an unanswered flow expires by itself.
   */
  async #leaveFlow(keepalive = false) {
    const step = this.#step;
    if (step.name !== "reason" && step.name !== "offers" && step.name !== "confirm") return;
    await this.#api({ method: "POST", path: `/v1/cancel-flows/${encodeURIComponent(step.flow.flowId)}/abandon`, keepalive }).catch(() => undefined);
  }

  #flowFrame(sub: Subscription, title: string, ...body: (Node | Node[] | null)[]): Node[] {
    return [
      h(
        "section",
        { class: "card", "data-active": "", "data-flow": "", "aria-labelledby": "flow-title" },
        h("h2", { id: "flow-title", tabindex: -1 }, title),
        h("p", { class: "note", lang: this.#ja(sub.product.name) }, sub.product.name),
        body,
        h("p", { class: "message", role: "alert", part: "message" }),
        h("p", { class: "status", role: "status", "data-card-status": "" }),
        h("div", { class: "actions" }, h("button", { type: "button", part: "back", onclick: () => this.#back(sub) }, this.#t("back"))),
      ),
    ];
  }

  #back(sub: Subscription) {
    const step = this.#step;
    void this.#run(async () => {
      // The flow is ended before the list is back, so a change made next is not taken for its save.
      if (isFlowStep(step)) await this.#leaveFlow();
      // After a change (the receipt, an offer taken) what the plan allows now is read again: a
      // cancelled plan's card offers its restart at once, not only after a reload (trial24).
      else await this.#loadOptions(this.#subs.find((s) => s.id === sub.id) ?? sub);
      this.#go({ name: "list" }, `#sub-${cssId(sub.id)}`);
    });
  }

  #reasonStep(sub: Subscription, flow: FlowStarted): Node[] {
    return this.#flowFrame(
      sub,
      this.#t("cancelTitle"),
      h(
        "div",
        { role: "group", "aria-labelledby": "reason-question" },
        h("p", { id: "reason-question" }, this.#t("reasonQuestion")),
        // First, beside the question: on a phone the reasons run several screens down.
        h("div", { class: "actions" }, h("button", { type: "button", part: "skip-reason", onclick: () => this.#go({ name: "confirm", sub, flow }, "h2") }, this.#t("noReason"))),
        h(
          "div",
          { class: "choices" },
          flow.reasons.map((r) =>
            h("button", { type: "button", part: "reason", "data-reason": r.code, lang: this.#ja(r.label), onclick: () => this.#giveReason(sub, flow, r.code) }, r.label),
          ),
        ),
      ),
    );
  }

  #giveReason(sub: Subscription, flow: FlowStarted, reason: string) {
    void this.#run(async () => {
      // After a lost answer the same key replays the offers; a new key would be refused 409 reason_already_given.
      const answer = await this.#write<ReasonAnswer>(`reason ${flow.flowId} ${reason}`, { method: "POST", path: `/v1/cancel-flows/${flow.flowId}/reason`, body: { reason } }, sendAgain);
      if (answer.offers.length > 0) this.#go({ name: "offers", sub, flow, answer }, "h2");
      else this.#go({ name: "confirm", sub, flow }, "h2");
    }, sub.id);
  }

  #offersStep(sub: Subscription, flow: FlowStarted, answer: ReasonAnswer): Node[] {
    return this.#flowFrame(
      sub,
      // Focus moves to this heading from the reasons: it says the offers came, and how many.
      this.#t("offersTitle", { n: answer.offers.length }),
      h("p", {}, this.#t("offerIntro")),
      answer.offers.map((offer, i) =>
        h(
          "div",
          // A named group: aria-labelledby on a plain div is ignored (axe aria-prohibited-attr).
          { class: "offer", part: "offer", role: "group", "aria-labelledby": `offer-${i}` },
          h("h3", { id: `offer-${i}`, lang: this.#ja(offer.title) }, offer.title),
          h("p", { class: "description", lang: this.#ja(offer.description) }, offer.description),
          h(
            "div",
            { class: "actions" },
            h("button", { type: "button", part: "accept-offer", "aria-describedby": `offer-${i}`, onclick: () => this.#accept(sub, flow, offer.offerId) }, this.#t("acceptOffer")),
            h("button", { type: "button", part: "continue-cancel", "aria-describedby": "continue-cancel-note", onclick: () => this.#go({ name: "confirm", sub, flow }, "h2") }, this.#t("continueCancel")),
          ),
        ),
      ),
      this.#continueCancelNote(),
    );
  }

  /**
   * What 「解約の手続きを続ける」 does, read with it as the offer's title is with 「このご提案で継続する」:
   * the confirmation comes next, nothing is cancelled yet. Out of sight: the step's text says it already.
   */
  #continueCancelNote(): HTMLElement {
    return h("p", { id: "continue-cancel-note", hidden: true }, this.#t("continueCancelNote"));
  }

  #accept(sub: Subscription, flow: FlowStarted, offerId: string) {
    void this.#run(async () => {
      // The same offer accepted again after a lost answer sends the same key: the API replays the
      // save. An offer that changes nothing leaves no trace on the plan, so once the plan reads
      // (online again) the same request goes again either way: applied, replayed; not, applied now.
      const call: Omit<Call, "idempotencyKey"> = { method: "POST", path: `/v1/cancel-flows/${flow.flowId}/accept`, body: { offerId }, ifMatch: sub.version };
      const saved = await this.#write<Saved>(`accept ${flow.flowId} ${offerId}`, call, async () => (await this.#reread(sub.id), true));
      this.#replace(saved.subscription);
      await this.#loadOptions(saved.subscription);
      this.#emit("tsuzuku:saved", saved);
      // Focus goes to the heading 「お手続きが完了しました」, which is read; the status adds only what it does not say.
      this.#go({ name: "saved", saved }, "h2", saved.offer.title);
    }, sub.id);
  }

  #confirmStep(sub: Subscription, flow: FlowStarted): Node[] {
    const now = flow.ifCanceledNow;
    const feeRequired = flow.commitment?.acknowledgeFeeRequired === true;
    const fee = flow.commitment?.earlyCancellationFee ?? now.charges.find((c) => c.type === "early_cancellation_fee")?.amount;
    return this.#flowFrame(
      sub,
      this.#t("confirmTitle"),
      h("dl", {}, h("dt", {}, this.#t("effectiveOn")), h("dd", {}, this.#date(now.effectiveOn))),
      now.nextDelivery ? h("p", {}, this.#t(now.nextDelivery.stopped ? "nextStopped" : "nextShips", { date: this.#date(now.nextDelivery.on) })) : null,
      // The cut-off rule only where it decides something here: why a delivery inside it still ships.
      // A stopped delivery is named on the line above; the rule would add four lines saying nothing
      // new on a phone's first screen, before the button.
      now.nextDelivery && !now.nextDelivery.stopped ? h("p", { class: "note", lang: this.#ja(now.cutoffRule) }, now.cutoffRule) : null,
      this.#charges(now, sub),
      feeRequired ? this.#feeCheck(fee) : null,
      // The optional survey folded behind one labelled control: on a phone the confirm button stays
      // right after what cancelling means, not screens below questions nobody has to answer.
      flow.exitSurvey ? this.#survey(flow.exitSurvey) : null,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            part: "confirm-cancel",
            onclick: () => {
              const box = this.#main.querySelector<HTMLInputElement>("#acknowledge-fee");
              // The disclosed fee must be acknowledged: say so at the box, and send nothing until it is.
              if (box && !box.checked) return this.#feeNotTicked(box, fee);
              // The box's words as the customer ticked them, kept in the flow's evidence beside the tick.
              const wording = box?.closest("label")?.textContent?.trim();
              this.#confirm(sub, flow, { ...(box ? { acknowledgeFee: true, ...(wording ? { acknowledgementWording: wording } : {}) } : {}), ...this.#surveyAnswers() });
            },
          },
          this.#t("confirmCancel"),
        ),
      ),
    );
  }

  /**
   * What cancelling charges, each amount with why. One charge: its amount in the heading and its
   * basis under it — a list of one and a total repeating it said the same amount three times.
   * Several: each in a list, then the total as the receipt writes it (cancel-flows/terms writeTotal).
   * A delivery's charge is a price, with its tax basis (総額表示); the fee as disclosed.
   */
  #charges(now: FlowStarted["ifCanceledNow"], sub: Subscription): Node[] {
    const amount = (c: Charge) => (c.type === "final_delivery" ? this.#charged(c.amount, sub.id) : this.#money(c.amount));
    const basis = (c: Charge) => h("span", { lang: this.#ja(c.basis) }, c.basis);
    const [only, ...more] = now.charges;
    if (!only) return [h("h3", {}, this.#t("charges")), h("p", {}, this.#t("noCharges"))];
    if (more.length === 0) return [h("h3", {}, this.#t("labelled", { label: this.#t("charges"), value: amount(only) })), h("p", {}, basis(only))];
    return [
      h("h3", {}, this.#t("charges")),
      // The amount, then why on its own line (no dash: not how Japanese is written).
      h("ul", {}, now.charges.map((c) => h("li", {}, h("strong", {}, amount(c)), h("br"), basis(c)))),
      h("p", {}, this.#t("labelled", { label: this.#t("total"), value: now.charges.some((c) => c.type === "final_delivery") ? this.#charged(now.total, sub.id) : this.#money(now.total) })),
    ];
  }

  /**
   * The fee's acknowledgement: a real checkbox with the amount in its label, and the place its
   * inline error appears (described by it, so a screen reader reads the error with the box).
   */
  #feeCheck(fee: Money | undefined): Node[] {
    const error = h("p", { class: "field-error", id: "acknowledge-fee-error", hidden: true });
    const box = h("input", {
      type: "checkbox",
      id: "acknowledge-fee",
      name: "acknowledgeFee",
      "aria-describedby": "acknowledge-fee-error",
      onchange: () => {
        if (!(box as HTMLInputElement).checked) return;
        box.removeAttribute("aria-invalid");
        error.hidden = true;
        error.textContent = "";
      },
    });
    return [h("label", { class: "check" }, box, this.#t("acknowledgeFee", { amount: fee ? this.#money(fee) : "" })), error];
  }

  /** Confirm clicked with the fee box unticked: the error beside the box, focus on it; no call. */
  #feeNotTicked(box: HTMLInputElement, fee: Money | undefined) {
    const error = this.#main.querySelector<HTMLElement>("#acknowledge-fee-error");
    if (error) {
      error.textContent = fee ? this.#t("feeNotAcknowledged", { amount: this.#money(fee) }) : this.#t("feeNotAcknowledgedNoAmount");
      error.hidden = false;
    }
    box.setAttribute("aria-invalid", "true");
    box.focus();
  }

  /**
   * The exit survey in the confirm step: every question optional, nothing chosen (keep-in-touch
   * neither yes nor no) until the customer acts; confirming never waits on it.
   */
  #survey(survey: ExitSurvey): HTMLElement | null {
    if (survey.questions.length === 0 && !survey.keepInTouch) return null;
    return h(
      "details",
      { "data-survey-toggle": "" },
      h("summary", { part: "survey-toggle" }, this.#t("surveyToggle")),
      h(
      "fieldset",
      { class: "survey", "data-survey": "" },
      h("legend", {}, this.#t("survey")),
      survey.questions.map((q, i) =>
        q.kind === "choice" && q.options
          ? this.#optionalChoice(
              { "data-question": q.id },
              q.prompt,
              q.options.map((o) => h("label", { class: "radio", lang: this.#ja(o.label) }, h("input", { type: "radio", name: `survey-${i}`, value: o.code }), o.label)),
            )
          : h("div", { class: "field", "data-question": q.id }, h("label", { for: `survey-${i}`, lang: this.#ja(q.prompt) }, q.prompt), h("textarea", { id: `survey-${i}`, name: `survey-${i}`, rows: 3, maxlength: 2000 })),
      ),
      survey.keepInTouch ? this.#keepInTouchQuestion(survey.keepInTouch.wording) : null,
      h("div", { class: "field" }, h("label", { for: "return-on" }, this.#t("returnOn")), h("input", { id: "return-on", name: "returnOn", type: "date" })),
      ),
    );
  }

  /**
   * The keep-in-touch question (特定電子メール法: contact after cancelling needs an opt-in) as a
   * real yes and a real no, neither chosen; the legend is the shop's wording, which the API keeps
   * as the evidence of the answer. Choosing neither sends no answer, which leaves the customer
   * where they were: one the shop may already write to (marketing consent or an earlier yes) is
   * told so in one line — an unticked box used to leave them contactable without saying it.
   */
  #keepInTouchQuestion(wording: string): HTMLElement {
    const stays = this.#keep?.contactable === true;
    return this.#optionalChoice(
      { "data-keep-in-touch-question": "", "aria-describedby": stays ? "keep-in-touch-neither" : undefined },
      wording,
      [
        h("label", { class: "radio" }, h("input", { type: "radio", name: "keep-in-touch", value: "yes" }), this.#t("keepInTouchYes")),
        h("label", { class: "radio" }, h("input", { type: "radio", name: "keep-in-touch", value: "no" }), this.#t("keepInTouchNo")),
      ],
      stays ? h("p", { class: "note", id: "keep-in-touch-neither" }, this.#t("keepInTouchNeither")) : null,
    );
  }

  /**
   * An optional question answered with radios. A radio group cannot be unchosen by itself, so once
   * one is chosen a button takes the answer back to "not answered" (a choice made by mistake must not
   * become an answer the customer cannot withdraw before confirming); focus returns to the first choice.
   */
  #optionalChoice(attrs: Record<string, string | undefined>, legend: string, radios: HTMLElement[], note: HTMLElement | null = null): HTMLElement {
    const clear = h(
      "button",
      {
        type: "button",
        part: "clear-choice",
        hidden: true,
        onclick: () => {
          const inputs = [...set.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
          for (const input of inputs) input.checked = false;
          clear.hidden = true;
          inputs[0]?.focus();
        },
      },
      this.#t("clearChoice"),
    );
    const set = h("fieldset", { ...attrs, onchange: () => (clear.hidden = set.querySelector("input:checked") === null) }, h("legend", { lang: this.#ja(legend) }, legend), radios, note, clear);
    return set;
  }

  /** What the customer answered: only questions they answered; keep-in-touch only when yes or no was chosen; a return date only when given. */
  #surveyAnswers(): { survey?: { questionId: string; answer: string }[]; keepInTouch?: boolean; returnOn?: string } {
    const form = this.#main.querySelector("[data-survey]");
    if (!form) return {};
    const survey: { questionId: string; answer: string }[] = [];
    for (const q of form.querySelectorAll<HTMLElement>("[data-question]")) {
      const picked = q.querySelector<HTMLInputElement>("input:checked") ?? q.querySelector<HTMLTextAreaElement>("textarea");
      const answer = picked?.value.trim();
      if (answer) survey.push({ questionId: q.dataset.question!, answer });
    }
    const keep = form.querySelector<HTMLInputElement>('[name="keep-in-touch"]:checked')?.value;
    const returnOn = form.querySelector<HTMLInputElement>("#return-on")?.value;
    return { ...(survey.length > 0 ? { survey } : {}), ...(keep ? { keepInTouch: keep === "yes" } : {}), ...(returnOn ? { returnOn } : {}) };
  }

  #confirm(sub: Subscription, flow: FlowStarted, body: Record<string, unknown>) {
    // One key per confirmation asked: a resumed (session_expired) click, or the same press again
    // after a lost answer, sends it again; other answers are a new request.
    void this.#run(async () => {
      const call: Omit<Call, "idempotencyKey"> = { method: "POST", path: `/v1/cancel-flows/${flow.flowId}/confirm`, body, ifMatch: sub.version };
      const canceled = await this.#write<Canceled>(`confirm ${flow.flowId} ${JSON.stringify(body)}`, call, async () => (await this.#reread(sub.id)).status === "canceled");
      this.#replace(canceled.subscription);
      this.#options.set(sub.id, null);
      // The answer just given (or marketing consent, without one) decides the keep-in-touch card: read it again.
      if (typeof canceled.exitSurvey?.keepInTouch === "boolean") await this.#loadKeepInTouch(canceled.subscription.customerId);
      this.#emit("tsuzuku:canceled", canceled);
      // Focus goes to the heading 「解約を受け付けました」, which is read, the number right after it:
      // no status line above the receipt repeats it (trial24: the number three times on one screen).
      this.#go({ name: "receipt", canceled }, "h2");
    }, sub.id);
  }

  #receipt(canceled: Canceled): Node[] {
    return [
      h(
        "section",
        { class: "card", part: "receipt", "aria-labelledby": "receipt-title", "data-flow": "" },
        h("h2", { id: "receipt-title", tabindex: -1 }, this.#t("receiptTitle")),
        // The number once in large print (and once in the receipt text below), with how to keep it.
        h("p", { class: "receipt-number" }, this.#t("confirmationNumber"), h("br"), h("span", { class: "number", "data-confirmation-number": "" }, canceled.confirmationNumber)),
        h("p", { class: "note", "data-keep-number": "" }, this.#t("keepNumber")),
        h("p", {}, this.#t("labelled", { label: this.#t("effectiveOn"), value: this.#date(canceled.effectiveOn) })),
        canceled.receipt ? h("p", { class: "receipt", lang: this.#ja(canceled.receipt) }, canceled.receipt) : null,
        h("p", { class: "message", role: "alert", part: "message" }),
        h("p", { class: "status", role: "status", "data-card-status": "" }),
        // The receipt says to print it: a button that does (the browser's print, the portal's buttons left out: styles.ts).
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", part: "print-receipt", onclick: () => window.print() }, this.#t("printReceipt")),
          h("button", { type: "button", part: "back", onclick: () => this.#back(canceled.subscription) }, this.#t("back")),
        ),
      ),
    ];
  }

  /**
   * After an accepted offer: that the subscription goes on and was not cancelled, when the next
   * delivery comes and what it is charged, then the offer. An offer that changes nothing (usage
   * advice) leaves the way on to cancelling open: 「解約の手続きを続ける」 starts a new flow (this one
   * ended as saved) and goes to the confirmation.
   */
  #saved(saved: Saved): Node[] {
    const sub = saved.subscription;
    const next = sub.nextDeliveryOn;
    const vars = next ? { date: this.#date(next), price: this.#charged(this.#chargeOf(sub, sub), sub.id) } : null;
    return [
      h(
        "section",
        { class: "card", "aria-labelledby": "saved-title", "data-active": "", "data-flow": "", "data-saved": "" },
        h("h2", { id: "saved-title", tabindex: -1 }, this.#t("savedTitle")),
        h("p", {}, ...this.#withShopText("savedContinues", { product: sub.product.name }, "product")),
        vars ? h("p", { "data-next": "" }, this.#t(sub.status === "paused" ? "savedResumes" : "savedNext", vars)) : null,
        saved.change === null ? h("p", {}, this.#t("savedNoChange")) : null,
        h("h3", { lang: this.#ja(saved.offer.title) }, saved.offer.title),
        h("p", { class: "description", lang: this.#ja(saved.offer.description) }, saved.offer.description),
        saved.change === null ? h("p", {}, this.#t("savedStillCancel")) : null,
        h("p", { class: "message", role: "alert", part: "message" }),
        h("p", { class: "status", role: "status", "data-card-status": "" }),
        h(
          "div",
          { class: "actions" },
          saved.change === null ? [h("button", { type: "button", part: "continue-cancel", "aria-describedby": "continue-cancel-note", onclick: () => this.#startCancel(sub, true) }, this.#t("continueCancel")), this.#continueCancelNote()] : null,
          h("button", { type: "button", part: "back", onclick: () => this.#back(sub) }, this.#t("back")),
        ),
      ),
    ];
  }

  /** The month choices' legend: they keep the plan's day of the month (the month's last day when it has none). */
  #monthGroup(sub: Subscription): string {
    const day = sub.deliveryDay ?? (sub.nextDeliveryOn ? Number(sub.nextDeliveryOn.slice(8, 10)) : null);
    if (day === null) return this.#t("intervalMonthsGroupNoDay");
    return this.#t(day > 28 ? "intervalMonthsGroupEnd" : "intervalMonthsGroup", { day });
  }

  /** The plan's cadence in words, as the console and the API's texts write it (platform/cadence): 「1ヶ月ごと」「30日ごと」 / "Every month". */
  #cadence(sub: Pick<Subscription, "intervalDays" | "intervalMonths">): string {
    const text = cadenceText(sub, this.#lang);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  /**
   * An accepted discount's deliveries still to come (plan-changes/discount, as the API keeps them),
   * in the words its offer used; null when none is left or the subscription is canceled.
   */
  #discount(sub: Subscription) {
    const d = sub.activeDiscount;
    if (!d || sub.status === "canceled") return null;
    const ahead = upcomingDiscount({ endsOn: d.endsOn, ...(d.startsOn ? { startsOn: d.startsOn } : {}) }, sub);
    if (!ahead) return null;
    const regular = perDelivery(sub);
    const price = { amount: discountedPrice(regular.amount, d), currency: regular.currency };
    const vars = {
      price: this.#charged(price, sub.id),
      regular: this.#charged(regular, sub.id),
      label: d.percentOff !== null ? this.#t("percentOff", { n: d.percentOff }) : this.#t("amountOff", { amount: this.#money({ amount: d.amountOff ?? 0, currency: regular.currency }) }),
      first: this.#date(ahead.first),
      last: ahead.last ? this.#date(ahead.last) : "",
      fullOn: ahead.firstFullPriceOn ? this.#date(ahead.firstFullPriceOn) : "",
      n: ahead.left ?? 0,
    };
    // A discount without an end (none the catalogue makes) shows in the price alone.
    const text = ahead.left === null ? null : this.#t(ahead.left === 1 ? "discountLast" : "discountDeliveries", vars);
    return { nextIsDiscounted: ahead.first === sub.nextDeliveryOn, vars, text };
  }

  // ---- formatting ----

  /**
   * What one delivery of `sub` costs, as the card, the review and the charge line write it: with
   * its discount when `discounted` (「11,968円（20%オフ・通常価格 14,960円）」), else the regular
   * price, its sum written out for several (「14,960円（7,480円 × 2）」).
   */
  #price(sub: Subscription, discounted: boolean): string {
    const regular = perDelivery(sub);
    const d = sub.activeDiscount;
    if (discounted && d) {
      const label = d.percentOff !== null ? this.#t("percentOff", { n: d.percentOff }) : this.#t("amountOff", { amount: this.#money({ amount: d.amountOff ?? 0, currency: regular.currency }) });
      return this.#t("discountedPrice", { price: this.#money({ amount: discountedPrice(regular.amount, d), currency: regular.currency }), label, regular: this.#money(regular) });
    }
    return sub.quantity === 1 ? this.#money(sub.unitPrice) : this.#t("priceTimesQuantity", { total: this.#money(regular), unit: this.#money(sub.unitPrice), quantity: sub.quantity });
  }

  /**
   * A date from the API (already the shop's local date) as the API's own texts write it, with the day
   * of the week Japanese customers expect beside a delivery date: 「2027年1月14日(木)」 / "Thu 14 Jan 2027".
   */
  #date(date: string): string {
    return writeDate(date, this.#lang, "full", undefined, { weekday: true });
  }

  /** An amount as the API's own copy writes it (3,980円 in Japanese): a fee, an amount off, a value under a row whose label carries the tax basis ({@link #priceLabel}). */
  #money(m: Money): string {
    return formatMoney(m, this.#lang);
  }

  /** `n` packages of the product as a shop writes them (platform/quantity): 「1個（30包入り）」, 「2本」. */
  #quantity(sub: Subscription, n: number): string {
    return writeQuantity(n, sub.product, this.#lang);
  }
}

/**
 * What one delivery costs: unit price × quantity, in the currency's minor units — the amount the
 * API charges for a final delivery shipped after a cancellation (cancel-flows/terms).
 */
function perDelivery(sub: Subscription): Money {
  return { amount: sub.unitPrice.amount * sub.quantity, currency: sub.unitPrice.currency };
}

/** Today's date (YYYY-MM-DD) where the customer is. */
function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function value(form: HTMLFormElement, name: string): string {
  return String(new FormData(form).get(name) ?? "");
}

/**
 * Whether the card's cut-off line names the next delivery as already being prepared
 * (#firstChangeable: it comes before plan-options' first changeable date).
 */
const preparing = (sub: Subscription, opts: PlanOptions | null): boolean =>
  sub.status !== "canceled" && !!opts?.firstChangeableDate && !!sub.nextDeliveryOn && sub.nextDeliveryOn < opts.firstChangeableDate;

/** The form's input named `name` (where a refusal of its value is said). */
function inputOf(form: HTMLFormElement, name: string): HTMLElement | null {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement ? el : null;
}

/**
 * `plan` as it restarts with the comeback `offer` (its OfferTerms, computed by the API for the first
 * delivery back): its discount from that delivery, its smaller size, longer interval or other
 * product — what the confirmation shows and prices. An offer that changes none (a gift, usage
 * advice) leaves the plan as it is.
 */
function restartedWith(plan: Subscription, offer: RestartComeback): Subscription {
  const p = offer.parameters;
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  switch (offer.type) {
    case "discount":
      return typeof p.firstDiscountedOn === "string" && typeof p.lastDiscountedOn === "string"
        ? { ...plan, activeDiscount: { percentOff: num(p.percentOff), amountOff: num(p.amountOff), startsOn: p.firstDiscountedOn, endsOn: p.lastDiscountedOn } }
        : plan;
    case "change_quantity":
      return num(p.quantity) !== null ? { ...plan, quantity: num(p.quantity)! } : plan;
    case "change_interval":
      return num(p.intervalDays) !== null ? { ...plan, intervalDays: num(p.intervalDays)!, intervalMonths: num(p.intervalMonths) } : plan;
    case "product_swap": {
      const price = p.unitPrice as Money | undefined;
      return typeof p.toName === "string" && price && typeof price.amount === "number"
        ? { ...plan, product: { sku: String(p.toSku ?? plan.product.sku), name: p.toName, category: plan.product.category }, unitPrice: price }
        : plan;
    }
    default:
      return plan;
  }
}

/** Closes a plan change's review in `within`: the panel goes, the form it came from is shown again. */
function closeReview(within: HTMLElement) {
  for (const panel of within.querySelectorAll("[data-review]")) {
    const form = panel.previousElementSibling;
    if (form instanceof HTMLFormElement) form.hidden = false;
    panel.remove();
  }
}

/** Merchant ids may hold `.` and `:`; element ids built from them must stay valid selectors. */
function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_");
}

export type { Problem };

/**
 * The flow with the terms a 409 `cancellation_terms_changed` carries (`ifCanceledNow`, and `fee`
 * when one applies now): what the confirm step shows, and whether it asks to acknowledge a fee.
 */
function withTermsOf(flow: FlowStarted, problem: Problem): FlowStarted {
  const now = problem.ifCanceledNow as FlowStarted["ifCanceledNow"] | undefined;
  if (!now) return flow;
  const fee = (problem.fee as Money | undefined) ?? null;
  const basis = now.charges.find((c) => c.type === "early_cancellation_fee")?.basis ?? null;
  const commitment = flow.commitment ?? (fee ? { earlyCancellationFee: fee, feeAppliesIfCanceledNow: true, acknowledgeFeeRequired: true, basis } : null);
  return {
    ...flow,
    ifCanceledNow: now,
    commitment: commitment && { ...commitment, earlyCancellationFee: fee ?? commitment.earlyCancellationFee, feeAppliesIfCanceledNow: fee !== null, acknowledgeFeeRequired: fee !== null, basis },
  };
}

import { Layout, type PageContext } from "./layout";
import { percent, reasonName, when } from "./format";
import { formatMoney, groupThousands } from "../platform/numbers";
import { localDate, writeDate, writeDateSpan } from "../platform/dates";
import { t, tf, type Lang } from "./strings";
import { CustomerCell, DriverList, ListTable, PageLinks } from "./list-parts";
import type { z } from "@hono/zod-openapi";
import type { Candidate as CandidateSchema } from "../winback/schemas";

/** One candidate as winback/candidates `candidatesPage` answers it (a row of GET /v1/winback/candidates). */
export type Candidate = z.infer<typeof CandidateSchema>;

/** The customer's keep-in-touch answer as the karte reads it out. */
export type KeepInTouchState = { state: "yes" | "no" | "withdrawn" | "unanswered"; at: string | null; contactable: boolean };

/**
 * yes / no / withdrawn from the current answer (GET /v1/customers/{id}/keep-in-touch) and its
 * evidence, oldest first (winback/service `winbackDataOf`): a "no" after a "yes" is a withdrawal.
 */
export function keepInTouchState(current: { keepInTouch: boolean | null; keepInTouchAt: string | null; contactable: boolean }, history: readonly { granted: boolean }[]): KeepInTouchState {
  const state = current.keepInTouch === true ? "yes" : current.keepInTouch === false ? (history.some((h) => h.granted) ? "withdrawn" : "no") : "unanswered";
  return { state, at: current.keepInTouchAt, contactable: current.contactable };
}

/** Why a canceled plan is not on the list, when it is not: held out (the lift's baseline), or the customer may not be contacted. */
export type NotListed = "holdout" | "not_contactable" | "no_record" | null;

/** The win-back facts of one canceled subscription the karte shows. */
export type KarteWinback = {
  keepInTouch: KeepInTouchState;
  returnOn: string | null;
  /** Its row of the candidates list, when it is on it (same code as GET /v1/winback/candidates?customerId=…). */
  candidate: Candidate | null;
  notListed: NotListed;
  /**
   * The offer `winback.due` carried, while the customer may still take it (winback/redeem
   * `takeableSentComeback`): a caller answering the message is offered what it said, even after the
   * suggestion moved on.
   */
  sent: { offerId: string; title: string; description: string; sentOn: string; validUntil: string; type?: string; parameters?: Record<string, unknown> } | null;
};

const canceledOn = (c: Candidate, page: PageContext) => writeDate(localDate(new Date(c.canceledAt), page.timeZone), page.lang, "short", page.today);

/**
 * The hold-out as GET /v1/metrics/winback counts it over its range: cancellations drawn while a
 * hold-out was in force whose customer could be contacted, held out (`heldOut`: never listed, never
 * sent `winback.due`) or not (`contactable`; null: none held out in the range).
 */
export type HoldoutFigures = { from: string; to: string; heldOut: number; contactable: number | null };

/** One sentence a manager reads: how many are held out and how many are to be contacted, with the metrics page for supervisors. */
function HoldoutNote(props: { page: PageContext; figures: HoldoutFigures }) {
  const { page, figures: f } = props;
  const lang = page.lang;
  const range = writeDateSpan(f.from, f.to, lang, page.today);
  const text =
    f.contactable === null
      ? tf(lang, "winbackNoHoldout", range)
      : tf(lang, "winbackHoldoutNote", { ...range, total: groupThousands(f.heldOut + f.contactable), held: groupThousands(f.heldOut), contactable: groupThousands(f.contactable) });
  return (
    <p class="holdout-note">
      {text}
      {page.supervisor ? (
        <>
          {" "}
          <a href="/console/metrics#h-winback">{t(lang, "winbackHoldoutLink")}</a>
        </>
      ) : null}
    </p>
  );
}

/** What became of a row's `winback.due` (winbacks.due_status, due_sent_at), by subscription and cancellation instant ({@link dueKey}). */
export type DueState = { status: "pending" | "sent" | "skipped"; sentAt: string | null };
export const dueKey = (subscriptionId: string, canceledAt: string) => `${subscriptionId}\x1f${canceledAt}`;

/** 「9月1日」 and, once the date has come, whether the message went (and when) or is still waiting. */
function DueOn(props: { page: PageContext; row: Candidate; due: DueState | undefined }) {
  const { page, row: r, due } = props;
  const lang = page.lang;
  const date = writeDate(r.dueOn, lang, "short", page.today);
  const state = due?.status === "sent" && due.sentAt ? tf(lang, "dueSent", { date: writeDate(localDate(new Date(due.sentAt), page.timeZone), lang, "short", page.today) }) : r.dueOn < page.today ? t(lang, "dueOverdue") : null;
  return (
    <td class="due-on" data-due={r.dueOn <= page.today ? "now" : "later"} data-due-status={due?.status}>
      {date}
      {state ? (
        <>
          <br />
          <small>{state}</small>
        </>
      ) : null}
    </td>
  );
}

/**
 * 再開のご案内: whom to call first. The rows of GET /v1/winback/candidates (the same service, in
 * its order: expected recovered value first), one page at a time with its cursor.
 */
export function WinbackPage(props: { page: PageContext; rows: Candidate[]; names: Map<string, string | null>; reasons: { code: string; label: string }[]; nextCursor: string | null; limit: number; first: boolean; due: "now" | null; holdout: HoldoutFigures | null; dues?: Map<string, DueState> }) {
  const { page, rows } = props;
  const lang = page.lang;
  // The list's own address: the page size and the `due` filter kept from page to page.
  const listHref = (extra = "", due = props.due) => `/console/winback?limit=${props.limit}${due ? `&due=${due}` : ""}${extra}`;
  const reason = (code: string | null) => (code ? reasonName(code, props.reasons, lang) : t(lang, "noReasonGiven"));
  return (
    <Layout page={page} title={t(lang, "winbackList")}>
      <h1>{t(lang, "winbackList")}</h1>
      <p>{t(lang, "winbackListNote")}</p>
      {props.holdout ? <HoldoutNote page={page} figures={props.holdout} /> : null}
      <nav aria-label={t(lang, "winbackDueFilter")} class="row due-filter">
        <a href={listHref("", null)} aria-current={props.due === null ? "page" : undefined}>{t(lang, "winbackDueAll")}</a>
        <a href={listHref("", "now")} aria-current={props.due === "now" ? "page" : undefined}>{t(lang, "winbackDueNow")}</a>
      </nav>
      {rows.length === 0 ? (
        <p>{t(lang, props.due === "now" ? "noCandidatesDue" : "noCandidates")}</p>
      ) : (
        <ListTable lang={lang} class="winback-list" columns={["customer", "reason", "canceledOnShort", "returnOnShort", "dueOnShort", "winbackChance", "expectedValue", "drivers", "comebackOffer"]}>
          {rows.map((r) => (
            <tr data-subscription={r.subscriptionId}>
              <CustomerCell customerId={r.customerId} subscriptionId={r.subscriptionId} name={props.names.get(r.customerId)} />
              <td>{reason(r.reason)}</td>
              <td>{canceledOn(r, page)}</td>
              <td>{r.returnOn ? writeDate(r.returnOn, lang, "short", page.today) : "—"}</td>
              <DueOn page={page} row={r} due={props.dues?.get(dueKey(r.subscriptionId, r.canceledAt))} />
              <td class="chance">{percent(r.probability)}</td>
              <td>{formatMoney(r.expectedValue, lang)}</td>
              <td>
                <DriverList lang={lang} drivers={r.drivers} of="comeback" />
              </td>
              <td>{r.offer ? (r.offer.kind === "reminder" ? tf(lang, "reminderOnly", { date: writeDate(r.offer.restartOn, lang, "short", page.today) }) : r.offer.title) : t(lang, "noComeback")}</td>
            </tr>
          ))}
        </ListTable>
      )}
      <PageLinks lang={lang} first={props.first} nextCursor={props.nextCursor} href={listHref} />
    </Layout>
  );
}

/**
 * The karte's win-back panel for a canceled subscription: the customer's keep-in-touch answer and
 * when, the return date they named, and — only while the plan is on the candidates list — the
 * chance of coming back, its drivers and the comeback offer with its copy.
 */
export function WinbackPanel(props: { page: PageContext; product: string; winback: KarteWinback }) {
  const { page, winback: w } = props;
  const lang = page.lang;
  const c = w.candidate;
  const k = w.keepInTouch;
  return (
    <section aria-labelledby="winback" class="panel winback">
      <h2 id="winback">
        {t(lang, "winbackPanel")}: {props.product}
      </h2>
      <dl>
        <dt>{t(lang, "keepInTouch")}</dt>
        <dd class="keep-in-touch" data-state={k.state}>
          {t(lang, `keepInTouch_${k.state}`)}
          {k.at ? (lang === "ja" ? `（${when(k.at, lang, page.timeZone)}）` : ` (${when(k.at, lang, page.timeZone)})`) : ""}
        </dd>
        <dt>{t(lang, "returnOnShort")}</dt>
        <dd class="return-on">{w.returnOn ? writeDate(w.returnOn, lang, "full", page.today) : t(lang, "returnOnNotNamed")}</dd>
        {c ? (
          <>
            <dt>{t(lang, "winbackChance")}</dt>
            <dd class="chance">
              {percent(c.probability)} <small>{tf(lang, "expectedValueOf", { amount: formatMoney(c.expectedValue, lang) })}</small>
            </dd>
          </>
        ) : null}
      </dl>
      {c && c.drivers.length > 0 ? (
        <>
          <h3>{t(lang, "drivers")}</h3>
          <DriverList lang={lang} drivers={c.drivers} of="comeback" />
        </>
      ) : null}
      {c?.offer ? (
        <div class="comeback">
          <h3>
            {t(lang, "comebackOffer")}: {c.offer.title}
          </h3>
          <p class="description">{c.offer.message}</p>
        </div>
      ) : null}
      {c === null ? <p class="not-listed">{t(lang, w.notListed === "holdout" ? "notListedHoldout" : w.notListed === "no_record" ? "notListedNoRecord" : "notListedContact")}</p> : null}
    </section>
  );
}

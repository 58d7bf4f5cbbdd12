import type { Child } from "hono/jsx";
import type { retentionFor, winbackFor } from "../metrics/routes";
import { Layout, type PageContext } from "./layout";
import { addDays, writeDate, writeDateSpan } from "../platform/dates";
import { channelName, duration, month, offerTitle, percent, reasonName, shareOf, type CatalogueEntry } from "./format";
import { formatMoney } from "../platform/numbers";
import { t, tf, type Lang, type StringKey } from "./strings";

type Metrics = Awaited<ReturnType<typeof retentionFor>>;
/** A group's figures; `accepted` by offer only (the API's `groupBy=offer` rows). */
type Group = NonNullable<Metrics["groups"]>[number] & { accepted?: number; label?: string | null };
type Winback = Awaited<ReturnType<typeof winbackFor>>;
type WinbackGroup = Winback["byReason"][number];

const share = (n: number, d: number) => percent(shareOf(n, d));

/** One column of a figures table; `rate` marks the cell whose raw rate the browser test and the chart read. */
type Column<G> = { label: StringKey; cell: (g: G, lang: Lang) => string | number; rate?: (g: G) => number | null };

/**
 * A table that scrolls sideways in its own box when the window is narrower than it (320 px, 200 %
 * zoom), not the page (WCAG 1.4.10). Its figures hold no link to Tab to, so the box is a stop of its
 * own, named by the table's caption (`captionId`), for the arrow keys to scroll it (WCAG 2.1.1); a group,
 * not a region: the section around it already is one, under the same name.
 */
function Scrolls(props: { captionId: string; children: Child }) {
  return (
    <div class="scroll" role="group" tabindex={0} aria-labelledby={props.captionId}>
      {props.children}
    </div>
  );
}

/** A chart's accessible form: one row per group key, the same figures as the API's groups. */
function FigureTable<G extends { key: string }>(props: { lang: Lang; id: string; caption: StringKey; keyLabel: StringKey; groups: G[]; columns: Column<G>[]; name: (key: string) => string; detail?: (key: string) => string | null }) {
  const { lang, columns } = props;
  return (
    <Scrolls captionId={`${props.id}-caption`}>
      <table id={props.id}>
        <caption id={`${props.id}-caption`}>{t(lang, props.caption)}</caption>
        <thead>
          <tr>
            <th scope="col">{t(lang, props.keyLabel)}</th>
            {columns.map((col) => (
              <th scope="col">{t(lang, col.label)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.groups.map((g) => (
            <tr>
              <th scope="row" data-key={g.key}>
                {props.name(g.key)}
                {props.detail?.(g.key) ? (
                  <>
                    <br />
                    <small class="row-detail">{props.detail(g.key)}</small>
                  </>
                ) : null}
              </th>
              {columns.map((col) => {
                const rate = col.rate?.(g);
                return rate === undefined ? <td>{col.cell(g, lang)}</td> : <td data-rate={rate === null ? "" : String(rate)}>{col.cell(g, lang)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Scrolls>
  );
}

/**
 * 継続阻止率 in words: with no save `durableSaveDays` old yet (`durableSaves.judged` 0) there is
 * nothing to judge, which is said rather than a bare 「—」 a supervisor reads as missing data.
 */
function durableWords(g: Pick<Group, "durableSaveRate" | "durableSaves">, lang: Lang, days: number, short: boolean): string {
  if (g.durableSaves.judged === 0) return tf(lang, short ? "durableNotYetShort" : "durableNotYet", { days });
  return percent(g.durableSaveRate);
}

/** Save-rate figures per week, reason, offer or channel, as GET /v1/metrics/retention groups them. */
const saveColumns = (durableSaveDays: number): Column<Group>[] => [
  { label: "started", cell: (g) => g.started },
  { label: "savedN", cell: (g) => g.saved },
  { label: "canceledN", cell: (g) => g.canceled },
  { label: "undoneN", cell: (g) => g.undone },
  { label: "saveRate", cell: (g) => share(g.saved, g.saved + g.canceled), rate: (g) => g.saveRate },
  { label: "durableSaveRate", cell: (g, lang) => durableWords(g, lang, durableSaveDays, true) },
  { label: "medianSeconds", cell: (g, lang) => (g.timeToCancel.medianSeconds === null ? "—" : duration(g.timeToCancel.medianSeconds, lang)) },
];

/**
 * By offer, each row counts the flows that SHOWED the offer (GET /v1/metrics/retention `groupBy=offer`):
 * `saved` is those flows saved by any means, `accepted` those saved by taking this very offer. The
 * offer's own figures lead — accepted, and the save rate it implies: accepted of the decided flows
 * (saved + canceled) that showed it — and the flows' figures follow, named as the flows': with two
 * offers a flow, a pause shown beside a skip that was taken read 「阻止率 100%」 with 承諾 0.
 */
const offerColumns = (durableSaveDays: number): Column<Group>[] => {
  const [started, saved, canceled, undone, rate, ...rest] = saveColumns(durableSaveDays);
  return [
    started!,
    { label: "acceptedN", cell: (g) => g.accepted ?? 0 },
    { label: "acceptedSaveRate", cell: (g) => share(g.accepted ?? 0, g.saved + g.canceled) },
    { ...saved!, label: "shownSavedN" },
    canceled!,
    undone!,
    { ...rate!, label: "shownSaveRate" },
    ...rest,
  ];
};

/**
 * 再加入率 per cancel reason or month of cancellation, as GET /v1/metrics/winback answers it. The
 * 180-day rate beside its base: the cancellations 180 days old (`matured`) and those still waiting
 * (canceled − matured, the API's `waiting`), so 「26.9% | 0%」 is not read as about every cancellation.
 */
const WINBACK_COLUMNS: Column<WinbackGroup>[] = [
  { label: "canceledN", cell: (g) => g.canceled },
  { label: "reactivatedN", cell: (g) => g.reactivated },
  { label: "reactivationRate", cell: (g) => share(g.reactivated, g.canceled), rate: (g) => g.reactivationRate },
  { label: "rate180", cell: (g) => share(g.reactivatedWithin180, g.matured) },
  { label: "maturedN", cell: (g) => g.matured },
  { label: "waitingN", cell: (g) => g.canceled - g.matured },
];

/**
 * A rate from fewer flows than this is not drawn as a bar: 1 of 1 saved is a bar at 100 % that
 * says nothing (its table row still shows the counts and the rate).
 */
export const MIN_CHART_FLOWS = 5;

/**
 * A lift in rate points with its 95 % interval, and — when the interval contains 0 — that the
 * arms cannot be told apart yet, so a supervisor does not report a lift of 8 flows as a result.
 */
function liftWords(lang: Lang, lift: number | null, interval: { low: number; high: number } | null): string {
  if (lift === null) return "—";
  const points = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(Math.round(x * 1000) / 10)}`;
  if (!interval) return tf(lang, "liftPoints", { lift: points(lift) });
  const words = tf(lang, "liftWithInterval", { lift: points(lift), low: points(interval.low), high: points(interval.high) });
  return interval.low <= 0 && interval.high >= 0 ? `${words}${t(lang, "liftNotYet")}` : words;
}

/**
 * Each grouping's rows by name: 「11月2日の週」, a reason's label, an offer's name, 電話（IVR）, the
 * operator's name, 「2026年11月」 — the page's tables and charts, and the `name` column of its CSV downloads.
 */
export function metricsRowNames(o: { lang: Lang; today: string; reasons: readonly { code: string; label: string }[]; offers: readonly CatalogueEntry[]; operators: readonly { key: string; label?: string | null }[] }) {
  const { lang } = o;
  const reasonWords = (k: string) => (k === "none" ? t(lang, "noReasonGiven") : reasonName(k, o.reasons, lang));
  return {
    week: (k: string) => tf(lang, "weekOf", { date: writeDate(k, lang, "short", o.today) }),
    reason: reasonWords,
    offer: (k: string) => {
      if (k === "none") return t(lang, "noOfferShown");
      const offer = offerTitle(k, o.offers, lang);
      return offer.inactive ? `${offer.name}${t(lang, "offerInactive")}` : offer.name;
    },
    channel: (k: string) => channelName(k, lang),
    operator: (k: string) => (k === "none" ? t(lang, "noOperator") : (o.operators.find((g) => g.key === k)?.label ?? k)),
    winbackReason: reasonWords,
    winbackMonth: (k: string) => month(k, lang),
  } satisfies Record<string, (k: string) => string>;
}

/**
 * The CSV downloads' `name` column: the total row 「全体」, a grouping's row as the page names it; the
 * win-back report's reasons and months likewise, its other lists (currency, days) by their key.
 */
export function metricsCsvRowName(names: ReturnType<typeof metricsRowNames>, lang: Lang) {
  const of: Record<string, (k: string) => string> = { ...names, byReason: names.winbackReason, byMonth: names.winbackMonth };
  return (group: string, key: string) => (key === "total" ? t(lang, "summary") : (of[group]?.(key) ?? key));
}

/**
 * The console's retention CSV headers for the columns a person could misread: the total row holds
 * two 解約 counts (flows, `canceled`; plans still canceled, `churn.canceled`). Each keeps its field
 * name, which the API reference explains.
 */
export function metricsCsvHeaders(lang: Lang): Record<string, string> {
  const words: Record<string, StringKey> = {
    canceled: "csvCanceled",
    undone: "csvUndone",
    abandoned: "csvAbandoned",
    open: "csvOpen",
    accepted: "csvAccepted",
    saveRate: "csvSaveRate",
    "churn.activeAtStart": "csvChurnActive",
    "churn.canceled": "csvChurnCanceled",
    "churn.churnRate": "csvChurnRate",
  };
  return Object.fromEntries(Object.entries(words).map(([field, key]) => [field, `${t(lang, key)} [${field}]`]));
}

/** A download of a table's figures as CSV for a spreadsheet (GET /v1/metrics/… with `Accept: text/csv`, through the console's session). */
function CsvLink(props: { lang: Lang; href: string; what: StringKey }) {
  return (
    <p class="download">
      <a href={props.href} download>
        {tf(props.lang, "downloadCsv", { what: t(props.lang, props.what) })}
      </a>
    </p>
  );
}

/**
 * The period's form: two dates (the page's `from` and `to`, a GET so the view can be bookmarked
 * and shared) and today / the last 7 / 30 days as links.
 */
function PeriodForm(props: { lang: Lang; from: string; to: string; today: string }) {
  const { lang, today } = props;
  const last = (days: number) => `/console/metrics?from=${addDays(today, -(days - 1))}&to=${today}`;
  return (
    <form method="get" action="/console/metrics" class="row period" aria-label={t(lang, "period")}>
      <label>
        {t(lang, "periodFrom")} <input type="date" name="from" value={props.from} max={today} required />
      </label>
      <label>
        {t(lang, "periodTo")} <input type="date" name="to" value={props.to} max={today} required />
      </label>
      <button type="submit">{t(lang, "showPeriod")}</button>
      <a href={last(1)}>{t(lang, "periodToday")}</a>
      <a href={last(7)}>{t(lang, "periodLast7")}</a>
      <a href={last(30)}>{t(lang, "periodLast30")}</a>
    </form>
  );
}

/**
 * The supervisor's view: 解約阻止率 by week, reason, offer and channel, durable saves, holdout lift,
 * churn, time to cancel, and 再加入率 (the win-back metrics: by reason and month of cancellation,
 * after a contact, over the win-back holdout, revenue recovered). Charts are uPlot
 * (client/metrics.ts) drawn from the same JSON as the tables, which are the accessible form of
 * every chart.
 */
export function MetricsPage(props: {
  page: PageContext;
  overall: Metrics;
  groups: Record<"week" | "reason" | "offer" | "channel" | "operator", Metrics>;
  /** Why the period asked for could not be shown (the last 30 days are, instead). */
  periodError?: string;
  winback: Winback;
  /** The shop's `durableSaveDays` (settings): how old a save must be before 継続阻止率 judges it. */
  durableSaveDays: number;
  /** The shop's reason catalogue in the page's language (GET /v1/cancellation-reasons) and its offers: row names. */
  reasons: { code: string; label: string }[];
  offers: CatalogueEntry[];
}) {
  const { page, overall, groups, winback } = props;
  const lang = page.lang;
  const date = (d: string) => writeDate(d, lang, "short", page.today);
  // A span across a new year names both years (「2025年12月2日 – 2026年12月1日」).
  const span = (from: string, to: string) => {
    const s = writeDateSpan(from, to, lang, page.today);
    return `${s.from} – ${s.to}`;
  };
  const names = metricsRowNames({ lang, today: page.today, reasons: props.reasons, offers: props.offers, operators: (groups.operator.groups as Group[] | null) ?? [] });
  const keyLabels = { week: "week", reason: "reason", offer: "offer", channel: "channel", operator: "operatorColumn", winbackReason: "reason", winbackMonth: "month" } satisfies Record<keyof typeof names, StringKey>;
  // Each point with its sample size `n` (the flows decided, the cancellations): the chart says n beside
  // each bar and draws no bar from fewer than MIN_CHART_FLOWS.
  const series = (k: keyof typeof names, rate: StringKey, points: { key: string; n: number; rate: number | null }[]) => ({
    x: t(lang, keyLabels[k]),
    label: t(lang, rate),
    hint: t(lang, "chartHoverHint"),
    points: points.map((p) => ({ ...p, rate: p.n < MIN_CHART_FLOWS ? null : p.rate, name: names[k](p.key) })),
  });
  const saveRate = (k: keyof typeof names, gs: Group[] | null) => series(k, "saveRate", (gs ?? []).map((g) => ({ key: g.key, n: g.saved + g.canceled, rate: shareOf(g.saved, g.saved + g.canceled) })));
  // By offer, the bar is the offer's own rate (承諾による阻止率), as its table leads with it.
  const acceptedRate = (gs: Group[] | null) => series("offer", "acceptedSaveRate", (gs ?? []).map((g) => ({ key: g.key, n: g.saved + g.canceled, rate: shareOf(g.accepted ?? 0, g.saved + g.canceled) })));
  const offerDetail = (k: string) => (k === "none" ? null : offerTitle(k, props.offers, lang).kind);
  const reactivation = (k: keyof typeof names, gs: WinbackGroup[]) => series(k, "reactivationRate", gs.map((g) => ({ key: g.key, n: g.canceled, rate: shareOf(g.reactivated, g.canceled) })));
  const waiting180 = winback.byDaysSinceCancel?.find((d) => d.days === 180)?.waiting ?? winback.canceled - winback.matured;
  const chartData = {
    week: saveRate("week", groups.week.groups),
    reason: saveRate("reason", groups.reason.groups),
    offer: acceptedRate(groups.offer.groups),
    channel: saveRate("channel", groups.channel.groups),
    operator: saveRate("operator", groups.operator.groups),
    winbackReason: reactivation("winbackReason", winback.byReason),
    winbackMonth: reactivation("winbackMonth", winback.byMonth),
  };
  return (
    <Layout page={page} title={t(lang, "metrics")} scripts={["/console/assets/uplot.js", "/console/assets/metrics.js"]} styles={["/console/assets/uplot.css"]}>
      <h1>
        {t(lang, "metrics")} <small>{span(overall.from, overall.to)}</small>
      </h1>
      {props.periodError ? <p class="error" role="alert">{tf(lang, "periodInvalid", { detail: props.periodError })}</p> : null}
      <PeriodForm lang={lang} from={overall.from} to={overall.to} today={page.today} />
      <Scrolls captionId="summary-caption">
        <table id="summary">
          <caption id="summary-caption">{t(lang, "summary")}</caption>
          <tbody>
            <tr><th scope="row">{t(lang, "started")}</th><td>{overall.started}</td></tr>
            <tr><th scope="row">{t(lang, "restartedN")}</th><td>{overall.restarted}</td></tr>
            <tr><th scope="row">{t(lang, "savedN")}</th><td>{overall.saved}</td></tr>
            <tr><th scope="row">{t(lang, "canceledN")}</th><td>{overall.canceled}</td></tr>
            <tr><th scope="row">{t(lang, "undoneN")}</th><td>{overall.undone}</td></tr>
            <tr><th scope="row">{t(lang, "abandonedN")}</th><td>{overall.abandoned}</td></tr>
            <tr><th scope="row">{t(lang, "openN")}</th><td>{overall.open}</td></tr>
            <tr><th scope="row">{t(lang, "saveRate")}</th><td data-rate={String(overall.saveRate ?? "")}>{share(overall.saved, overall.saved + overall.canceled)}</td></tr>
            <tr><th scope="row">{t(lang, "durableSaveRate")}</th><td data-durable>{durableWords(overall, lang, props.durableSaveDays, false)}{overall.durableSaves.lost > 0 ? tf(lang, "savesLost", { n: overall.durableSaves.lost }) : ""}</td></tr>
            <tr><th scope="row">{t(lang, "holdoutLift")}</th><td data-lift="holdout">{overall.holdout ? liftWords(lang, overall.holdout.lift, overall.holdout.liftInterval) : "—"}</td></tr>
            <tr><th scope="row">{tf(lang, "churnRateOf", { canceled: overall.churn.canceled, active: overall.churn.activeAtStart })}</th><td data-churn>{share(overall.churn.canceled, overall.churn.activeAtStart)}</td></tr>
            <tr><th scope="row">{t(lang, "medianSeconds")}</th><td>{overall.timeToCancel.medianSeconds === null ? "—" : duration(overall.timeToCancel.medianSeconds, lang)}</td></tr>
            <tr><th scope="row">{t(lang, "maxCalls")}</th><td>{overall.timeToCancel.maxCalls ?? "—"}</td></tr>
          </tbody>
        </table>
      </Scrolls>
      <p class="summary-note" id="summary-adds-up">{tf(lang, "summaryAddsUp", { started: overall.started, saved: overall.saved, canceled: overall.canceled, undone: overall.undone, abandoned: overall.abandoned, open: overall.open })}</p>
      <p class="summary-note" id="churn-note">{t(lang, "churnNote")}</p>
      <script type="application/json" id="metrics-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(chartData).replace(/</g, "\\u003c") }}></script>
      {(["week", "reason", "offer", "channel", "operator"] as const).map((k) => {
        const caption: StringKey = k === "week" ? "saveRateByWeek" : k === "reason" ? "byReason" : k === "offer" ? "byOffer" : k === "channel" ? "byChannel" : "byOperator";
        return (
          <section aria-labelledby={`h-${k}`} class="chart-block">
            <h2 id={`h-${k}`}>{t(lang, caption)}</h2>
            <div class="chart" id={`chart-${k}`} data-group={k} role="img" aria-label={`${t(lang, caption)}: ${t(lang, k === "offer" ? "acceptedSaveRate" : "saveRate")}`}></div>
            <p class="chart-note">{tf(lang, "chartFewFlows", { n: MIN_CHART_FLOWS })}</p>
            <FigureTable lang={lang} id={`table-${k}`} caption={caption} keyLabel={keyLabels[k]} name={names[k]} groups={groups[k].groups ?? []} columns={k === "offer" ? offerColumns(props.durableSaveDays) : saveColumns(props.durableSaveDays)} {...(k === "offer" ? { detail: offerDetail } : {})} />
            {k === "operator" ? <p class="operator-note">{t(lang, "noOperatorNote")}</p> : null}
            <CsvLink lang={lang} href={`/console/metrics.csv?report=retention&groupBy=${k}&from=${overall.from}&to=${overall.to}`} what={caption} />
          </section>
        );
      })}
      <section aria-labelledby="h-winback" class="chart-block">
        <h2 id="h-winback">
          {t(lang, "winback")} <small>{span(winback.from, winback.to)}</small>
        </h2>
        <Scrolls captionId="winback-summary-caption">
          <table id="winback-summary">
            <caption id="winback-summary-caption">{t(lang, "summary")}</caption>
            <tbody>
              <tr><th scope="row">{t(lang, "canceledN")}</th><td>{winback.canceled}</td></tr>
              <tr><th scope="row">{t(lang, "reactivatedN")}</th><td>{winback.reactivated}</td></tr>
              <tr><th scope="row">{t(lang, "reactivationRate")}</th><td data-rate={String(winback.reactivationRate ?? "")}>{share(winback.reactivated, winback.canceled)}</td></tr>
              <tr><th scope="row">{t(lang, "rate180")}</th><td data-rate180>{winback.matured === 0 ? tf(lang, "rate180None", { waiting: waiting180 }) : `${share(winback.reactivatedWithin180, winback.matured)}${tf(lang, "rate180Base", { matured: winback.matured, waiting: waiting180 })}`}</td></tr>
              <tr><th scope="row">{t(lang, "afterContactShare")}</th><td>{percent(winback.contacts.afterContactShare)}</td></tr>
              <tr><th scope="row">{t(lang, "winbackLift")}</th><td data-lift="winback">{winback.holdout ? liftWords(lang, winback.holdout.lift, winback.holdout.liftInterval) : "—"}</td></tr>
              <tr><th scope="row">{t(lang, "revenueRecovered")}</th><td>{winback.revenueRecovered.length ? winback.revenueRecovered.map((m) => formatMoney(m, lang)).join(" / ") : "—"}</td></tr>
            </tbody>
          </table>
        </Scrolls>
        {(["winbackReason", "winbackMonth"] as const).map((k) => {
          const caption: StringKey = k === "winbackReason" ? "reactivationByReason" : "reactivationByMonth";
          return (
            <>
              <h3 id={`h-${k}`}>{t(lang, caption)}</h3>
              <div class="chart" id={`chart-${k}`} data-group={k} role="img" aria-label={`${t(lang, caption)}: ${t(lang, "reactivationRate")}`}></div>
              <p class="chart-note">{tf(lang, "chartFewFlows", { n: MIN_CHART_FLOWS })}</p>
              <FigureTable lang={lang} id={`table-${k}`} caption={caption} keyLabel={keyLabels[k]} name={names[k]} groups={k === "winbackReason" ? winback.byReason : winback.byMonth} columns={WINBACK_COLUMNS} />
            </>
          );
        })}
        <CsvLink lang={lang} href={`/console/metrics.csv?report=winback&from=${winback.from}&to=${winback.to}`} what="winback" />
      </section>
    </Layout>
  );
}

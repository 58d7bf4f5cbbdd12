import type { retentionFor, winbackFor } from "../metrics/routes";
import { Layout, type PageContext } from "./layout";
import { t, type Lang, type StringKey } from "./strings";

type Metrics = Awaited<ReturnType<typeof retentionFor>>;
type Group = NonNullable<Metrics["groups"]>[number];
type Winback = Awaited<ReturnType<typeof winbackFor>>;
type WinbackGroup = Winback["byReason"][number];

const pct = (r: number | null) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);

/** One column of a figures table; `rate` marks the cell whose raw rate the browser test and the chart read. */
type Column<G> = { label: StringKey; cell: (g: G) => string | number; rate?: (g: G) => number | null };

/** A chart's accessible form: one row per group key, the same figures as the API's groups. */
function FigureTable<G extends { key: string }>(props: { lang: Lang; id: string; caption: StringKey; groups: G[]; columns: Column<G>[] }) {
  const { lang, columns } = props;
  return (
    <table id={props.id}>
      <caption>{t(lang, props.caption)}</caption>
      <thead>
        <tr>
          <th scope="col">{t(lang, "key")}</th>
          {columns.map((col) => (
            <th scope="col">{t(lang, col.label)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => (
          <tr>
            <th scope="row">{g.key}</th>
            {columns.map((col) => {
              const rate = col.rate?.(g);
              return rate === undefined ? <td>{col.cell(g)}</td> : <td data-rate={rate === null ? "" : String(rate)}>{col.cell(g)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Save-rate figures per week, reason, offer or channel, as GET /v1/metrics/retention groups them. */
const SAVE_COLUMNS: Column<Group>[] = [
  { label: "started", cell: (g) => g.started },
  { label: "savedN", cell: (g) => g.saved },
  { label: "canceledN", cell: (g) => g.canceled },
  { label: "saveRate", cell: (g) => pct(g.saveRate), rate: (g) => g.saveRate },
  { label: "durableSaveRate", cell: (g) => pct(g.durableSaveRate) },
  { label: "medianSeconds", cell: (g) => g.timeToCancel.medianSeconds ?? "—" },
];

/** 再加入率 per cancel reason or month of cancellation, as GET /v1/metrics/winback answers it. */
const WINBACK_COLUMNS: Column<WinbackGroup>[] = [
  { label: "canceledN", cell: (g) => g.canceled },
  { label: "reactivatedN", cell: (g) => g.reactivated },
  { label: "reactivationRate", cell: (g) => pct(g.reactivationRate), rate: (g) => g.reactivationRate },
  { label: "rate180", cell: (g) => pct(g.rate180) },
];

/**
 * The supervisor's view: 解約阻止率 by week, reason, offer and channel, durable saves, holdout lift,
 * churn, time to cancel, and 再加入率 (the win-back metrics: by reason and month of cancellation,
 * after a contact, over the win-back holdout, revenue recovered). Charts are uPlot
 * (client/metrics.ts) drawn from the same JSON as the tables, which are the accessible form of
 * every chart.
 */
export function MetricsPage(props: { page: PageContext; overall: Metrics; groups: Record<"week" | "reason" | "offer" | "channel", Metrics>; winback: Winback }) {
  const { page, overall, groups, winback } = props;
  const lang = page.lang;
  const saveRate = (gs: Group[] | null) => ({ label: t(lang, "saveRate"), points: (gs ?? []).map((g) => ({ key: g.key, rate: g.saveRate })) });
  const reactivation = (gs: WinbackGroup[]) => ({ label: t(lang, "reactivationRate"), points: gs.map((g) => ({ key: g.key, rate: g.reactivationRate })) });
  const chartData = {
    week: saveRate(groups.week.groups),
    reason: saveRate(groups.reason.groups),
    offer: saveRate(groups.offer.groups),
    channel: saveRate(groups.channel.groups),
    winbackReason: reactivation(winback.byReason),
    winbackMonth: reactivation(winback.byMonth),
  };
  const money = (m: { amount: number; currency: string }) => new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-US", { style: "currency", currency: m.currency }).format(m.amount);
  return (
    <Layout page={page} title={t(lang, "metrics")} scripts={["/console/assets/uplot.js", "/console/assets/metrics.js"]} styles={["/console/assets/uplot.css"]}>
      <h1>
        {t(lang, "metrics")} <small>{overall.from} – {overall.to}</small>
      </h1>
      <table id="summary">
        <caption>{t(lang, "summary")}</caption>
        <tbody>
          <tr><th scope="row">{t(lang, "started")}</th><td>{overall.started}</td></tr>
          <tr><th scope="row">{t(lang, "savedN")}</th><td>{overall.saved}</td></tr>
          <tr><th scope="row">{t(lang, "canceledN")}</th><td>{overall.canceled}</td></tr>
          <tr><th scope="row">{t(lang, "saveRate")}</th><td data-rate={String(overall.saveRate ?? "")}>{pct(overall.saveRate)}</td></tr>
          <tr><th scope="row">{t(lang, "durableSaveRate")}</th><td>{pct(overall.durableSaveRate)}</td></tr>
          <tr><th scope="row">{t(lang, "holdoutLift")}</th><td>{overall.holdout ? pct(overall.holdout.lift) : "—"}</td></tr>
          <tr><th scope="row">{t(lang, "churnRate")}</th><td>{pct(overall.churn.churnRate)}</td></tr>
          <tr><th scope="row">{t(lang, "reactivationRate")}</th><td data-rate={String(overall.winback.reactivationRate ?? "")}>{pct(overall.winback.reactivationRate)}</td></tr>
          <tr><th scope="row">{t(lang, "medianSeconds")}</th><td>{overall.timeToCancel.medianSeconds ?? "—"}</td></tr>
          <tr><th scope="row">{t(lang, "maxCalls")}</th><td>{overall.timeToCancel.maxCalls ?? "—"}</td></tr>
        </tbody>
      </table>
      <script type="application/json" id="metrics-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(chartData).replace(/</g, "\\u003c") }}></script>
      {(["week", "reason", "offer", "channel"] as const).map((k) => {
        const caption: StringKey = k === "week" ? "saveRateByWeek" : k === "reason" ? "byReason" : k === "offer" ? "byOffer" : "byChannel";
        return (
          <section aria-labelledby={`h-${k}`} class="chart-block">
            <h2 id={`h-${k}`}>{t(lang, caption)}</h2>
            <div class="chart" id={`chart-${k}`} data-group={k} role="img" aria-label={`${t(lang, caption)}: ${t(lang, "saveRate")}`}></div>
            <FigureTable lang={lang} id={`table-${k}`} caption={caption} groups={groups[k].groups ?? []} columns={SAVE_COLUMNS} />
          </section>
        );
      })}
      <section aria-labelledby="h-winback" class="chart-block">
        <h2 id="h-winback">
          {t(lang, "winback")} <small>{winback.from} – {winback.to}</small>
        </h2>
        <table id="winback-summary">
          <caption>{t(lang, "summary")}</caption>
          <tbody>
            <tr><th scope="row">{t(lang, "canceledN")}</th><td>{winback.canceled}</td></tr>
            <tr><th scope="row">{t(lang, "reactivatedN")}</th><td>{winback.reactivated}</td></tr>
            <tr><th scope="row">{t(lang, "reactivationRate")}</th><td data-rate={String(winback.reactivationRate ?? "")}>{pct(winback.reactivationRate)}</td></tr>
            <tr><th scope="row">{t(lang, "rate180")}</th><td>{pct(winback.rate180)}</td></tr>
            <tr><th scope="row">{t(lang, "afterContactShare")}</th><td>{pct(winback.contacts.afterContactShare)}</td></tr>
            <tr><th scope="row">{t(lang, "winbackLift")}</th><td>{winback.holdout ? pct(winback.holdout.lift) : "—"}</td></tr>
            <tr><th scope="row">{t(lang, "revenueRecovered")}</th><td>{winback.revenueRecovered.length ? winback.revenueRecovered.map(money).join(" / ") : "—"}</td></tr>
          </tbody>
        </table>
        {(["winbackReason", "winbackMonth"] as const).map((k) => {
          const caption: StringKey = k === "winbackReason" ? "reactivationByReason" : "reactivationByMonth";
          return (
            <>
              <h3 id={`h-${k}`}>{t(lang, caption)}</h3>
              <div class="chart" id={`chart-${k}`} data-group={k} role="img" aria-label={`${t(lang, caption)}: ${t(lang, "reactivationRate")}`}></div>
              <FigureTable lang={lang} id={`table-${k}`} caption={caption} groups={k === "winbackReason" ? winback.byReason : winback.byMonth} columns={WINBACK_COLUMNS} />
            </>
          );
        })}
      </section>
    </Layout>
  );
}

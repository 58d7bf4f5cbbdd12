import type { retentionFor } from "../metrics/routes";
import { Layout, type PageContext } from "./layout";
import { t, type Lang, type StringKey } from "./strings";

type Metrics = Awaited<ReturnType<typeof retentionFor>>;
type Group = NonNullable<Metrics["groups"]>[number];

const pct = (r: number | null) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);

function GroupTable(props: { lang: Lang; id: string; caption: StringKey; groups: Group[] }) {
  const { lang } = props;
  return (
    <table id={props.id}>
      <caption>{t(lang, props.caption)}</caption>
      <thead>
        <tr>
          <th scope="col">{t(lang, "key")}</th>
          <th scope="col">{t(lang, "started")}</th>
          <th scope="col">{t(lang, "savedN")}</th>
          <th scope="col">{t(lang, "canceledN")}</th>
          <th scope="col">{t(lang, "saveRate")}</th>
          <th scope="col">{t(lang, "durableSaveRate")}</th>
          <th scope="col">{t(lang, "medianSeconds")}</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => (
          <tr>
            <th scope="row">{g.key}</th>
            <td>{g.started}</td>
            <td>{g.saved}</td>
            <td>{g.canceled}</td>
            <td data-rate={g.saveRate === null ? "" : String(g.saveRate)}>{pct(g.saveRate)}</td>
            <td>{pct(g.durableSaveRate)}</td>
            <td>{g.timeToCancel.medianSeconds ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The supervisor's view: 解約阻止率 by week, reason, offer and channel, durable saves, holdout lift,
 * churn, 再加入率 and time to cancel. Charts are uPlot (client/metrics.ts) drawn from the same JSON
 * as the tables, which are the accessible form of every chart.
 */
export function MetricsPage(props: { page: PageContext; overall: Metrics; groups: Record<"week" | "reason" | "offer" | "channel", Metrics> }) {
  const { page, overall, groups } = props;
  const lang = page.lang;
  const chartData = {
    labels: { saveRate: t(lang, "saveRate") },
    week: (groups.week.groups ?? []).map((g) => ({ key: g.key, saveRate: g.saveRate })),
    reason: (groups.reason.groups ?? []).map((g) => ({ key: g.key, saveRate: g.saveRate })),
    offer: (groups.offer.groups ?? []).map((g) => ({ key: g.key, saveRate: g.saveRate })),
    channel: (groups.channel.groups ?? []).map((g) => ({ key: g.key, saveRate: g.saveRate })),
  };
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
          <tr><th scope="row">{t(lang, "reactivationRate")}</th><td>{pct(overall.reactivations.reactivationRate)}</td></tr>
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
            <GroupTable lang={lang} id={`table-${k}`} caption={caption} groups={groups[k].groups ?? []} />
          </section>
        );
      })}
    </Layout>
  );
}

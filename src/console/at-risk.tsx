import type { z } from "@hono/zod-openapi";
import { Layout, type PageContext } from "./layout";
import { writeDate } from "../platform/dates";
import { formatMoney } from "../platform/numbers";
import { bandName, t, tf } from "./strings";
import { CustomerCell, DriverList, ListTable, PageLinks } from "./list-parts";
import type { Risk, RiskBand } from "../risk/schemas";

/** A row of GET /v1/risk/at-risk (risk/repository `atRiskPageJson`), drivers labelled in the page's language. */
export type AtRiskRow = z.infer<typeof Risk>;
type Band = z.infer<typeof RiskBand>;

/** The subscription and customer beside each row: whom to call about which plan, and when it next ships. */
export type AtRiskPlan = { customerName: string | null; productName: string; nextDeliveryOn: string | null };

const BANDS: Band[] = ["high", "medium", "low"];


/**
 * 解約リスクの高いお客様: the supervisor's list of whom to reach out to first — GET /v1/risk/at-risk's
 * rows in its order (expected revenue at risk, highest first), a band at a time or all, one page at
 * a time with its cursor; each row links to the karte of that plan.
 */
export function AtRiskPage(props: { page: PageContext; rows: AtRiskRow[]; plans: Map<string, AtRiskPlan>; band: Band | null; limit: number; nextCursor: string | null; first: boolean }) {
  const { page, rows } = props;
  const lang = page.lang;
  const listHref = (extra = "", band = props.band) => `/console/at-risk?limit=${props.limit}${band ? `&band=${band}` : ""}${extra}`;
  return (
    <Layout page={page} title={t(lang, "atRisk")}>
      <h1>{t(lang, "atRisk")}</h1>
      <p>{t(lang, "atRiskNote")}</p>
      <nav aria-label={t(lang, "atRiskBandFilter")} class="row band-filter">
        <a href={listHref("", null)} aria-current={props.band === null ? "page" : undefined}>{t(lang, "atRiskAllBands")}</a>
        {BANDS.map((b) => (
          <a href={listHref("", b)} aria-current={props.band === b ? "page" : undefined}>{tf(lang, "atRiskBandOnly", { band: bandName(b, lang) })}</a>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p>{t(lang, "noneAtRisk")}</p>
      ) : (
        <ListTable lang={lang} class="at-risk-list" columns={["customer", "plan", "riskScore", "revenueAtRisk", "drivers", "nextDelivery"]}>
          {rows.map((r) => {
            const plan = props.plans.get(r.subscriptionId);
            return (
              <tr data-subscription={r.subscriptionId}>
                <CustomerCell customerId={r.customerId} subscriptionId={r.subscriptionId} name={plan?.customerName} />
                <td>{plan?.productName ?? r.subscriptionId}</td>
                <td class={`band ${r.band}`} data-band={r.band}>
                  {lang === "ja" ? `${bandName(r.band, lang)}（${r.score}）` : `${bandName(r.band, lang)} (${r.score})`}
                </td>
                <td>{formatMoney(r.revenueAtRisk, lang)}</td>
                <td>
                  <DriverList lang={lang} drivers={r.drivers} of="risk" />
                </td>
                <td>{plan?.nextDeliveryOn ? writeDate(plan.nextDeliveryOn, lang, "short", page.today) : t(lang, "noNextDelivery")}</td>
              </tr>
            );
          })}
        </ListTable>
      )}
      <PageLinks lang={lang} first={props.first} nextCursor={props.nextCursor} href={listHref} />
    </Layout>
  );
}

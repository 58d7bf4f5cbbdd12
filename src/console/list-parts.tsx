import type { Child } from "hono/jsx";
import { karteHref } from "./format";
import { t, tf, type Lang, type StringKey } from "./strings";

/**
 * A console list's table (the at-risk list, the win-back candidates, the name chooser): a header
 * cell a column in the page's language, the rows given, scrolling sideways on a narrow screen.
 */
export function ListTable(props: { lang: Lang; class: string; columns: readonly StringKey[]; children: Child }) {
  return (
    <div class="scroll">
      <table class={props.class}>
        <thead>
          <tr>
            {props.columns.map((key) => (
              <th scope="col">{t(props.lang, key)}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A list row's head: the customer by name (by id when the shop sent none), linking to the karte of that plan. */
export function CustomerCell(props: { customerId: string; subscriptionId: string; name: string | null | undefined }) {
  return (
    <th scope="row">
      <a href={karteHref(props.customerId, props.subscriptionId)}>{props.name ?? props.customerId}</a>
    </th>
  );
}

/**
 * A console list's paging (the at-risk list, the win-back candidates): back to the first page and
 * on by the API's cursor; nothing on a list that fits one page. `href(extra)` is the list's own
 * URL with `extra` (`&cursor=…`) appended.
 */
export function PageLinks(props: { lang: Lang; first: boolean; nextCursor: string | null; href: (extra?: string) => string }) {
  const { lang } = props;
  if (props.first && !props.nextCursor) return null;
  return (
    <nav aria-label={t(lang, "pages")} class="row">
      {props.first ? null : <a href={props.href()}>{t(lang, "firstPage")}</a>}
      {props.nextCursor ? <a href={props.href(`&cursor=${encodeURIComponent(props.nextCursor)}`)} rel="next">{t(lang, "nextPage")}</a> : null}
    </nav>
  );
}

/**
 * A model's top three drivers in words, each with which way it moves the figure: the churn risk
 * (「…（リスクを上げる）」) or the chance of coming back (「…（見込みを上げる）」).
 */
export function DriverList(props: { lang: Lang; drivers: readonly { label: string; contribution: number }[]; of: "risk" | "comeback" }) {
  const [up, down] = props.of === "risk" ? (["riskDriverUp", "riskDriverDown"] as const) : (["driverUp", "driverDown"] as const);
  return (
    <ul class="drivers">
      {props.drivers.slice(0, 3).map((d) => (
        <li>{tf(props.lang, d.contribution > 0 ? up : down, { label: d.label })}</li>
      ))}
    </ul>
  );
}

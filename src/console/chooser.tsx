import type { NameMatch } from "../customers/search";
import { karteHref } from "./format";
import { writeDate } from "../platform/dates";
import { Layout, type PageContext } from "./layout";
import { STATUS_LABELS, t, tf } from "./strings";
import { ListTable } from "./list-parts";

/**
 * The customers a name search found, as a chooser an operator reads at a glance on a call: each
 * one's name and reading (the link to their karte, reached by Tab), the last four digits of their
 * phone, their prefecture and city, and their plans (product, status, next delivery) — so that two
 * 山田花子 are told apart by asking the caller one question. `more`: the list is cut at its cap.
 */
export function NameChooserPage(props: { page: PageContext; typed: string; matches: NameMatch[]; more: boolean; search: string }) {
  const lang = props.page.lang;
  return <ChooserPage {...props} title={tf(lang, "nameResults", { name: props.typed })} intro={t(lang, "nameResultsIntro")} />;
}

/**
 * The customers a household's shared phone number belongs to (the lookup's 409 candidates), in the
 * same chooser: the caller is one of them, told apart by name and by what she receives.
 */
export function SharedPhoneChooserPage(props: { page: PageContext; matches: NameMatch[]; search: string }) {
  const lang = props.page.lang;
  return <ChooserPage {...props} more={false} title={t(lang, "severalMatches")} intro={t(lang, "sharedPhoneIntro")} />;
}

/**
 * A chooser page. Focus starts on its heading (console.ts data-autofocus), so the next Tab is the
 * first customer, not the header's links.
 */
function ChooserPage(props: { page: PageContext; title: string; intro: string; matches: NameMatch[]; more: boolean; search: string }) {
  const { page, title, matches, more } = props;
  const lang = page.lang;
  return (
    <Layout page={page} title={title} search={props.search}>
      <h1 tabindex={-1} data-autofocus>
        {title}
      </h1>
      <p>{props.intro}</p>
      {more ? (
        <p class="notice" role="status">
          {t(lang, "nameMore")}
        </p>
      ) : null}
      <ListTable lang={lang} class="name-matches" columns={["colName", "colPhone", "colPlace", "colPlans"]}>
        {matches.map((m) => (
          <tr>
            <th scope="row">
              <a href={karteHref(m.id)}>
                <span class="match-name">{m.name ?? m.id}</span>
                {m.nameKana ? <span class="match-kana">（{m.nameKana}）</span> : null}
              </a>
              <div class="muted">{m.id}</div>
            </th>
            <td class="match-phone">{m.phoneLast4 ? `…${m.phoneLast4}` : t(lang, "unknownValue")}</td>
            <td class="match-place">{m.place ?? t(lang, "unknownValue")}</td>
            <td class="match-plans">
              {m.plans.length === 0 ? (
                t(lang, "noPlans")
              ) : (
                <ul>
                  {m.plans.map((p) => (
                    <li>
                      {p.productName} · {STATUS_LABELS[p.status]?.[lang] ?? p.status}
                      {p.nextDeliveryOn && p.status !== "canceled" ? ` · ${t(lang, "nextDelivery")} ${writeDate(p.nextDeliveryOn, lang, "short", page.today)}` : ""}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </ListTable>
    </Layout>
  );
}

import { Layout, type PageContext } from "./layout";
import { planCallFor } from "./plan";
import { FLAG_LABELS, ROUTE_LABELS, SENTIMENT_LABELS, SENTIMENTS, STATUS_LABELS, t, TOPIC_LABELS, CONTACT_TOPICS, type Lang } from "./strings";

// Shapes as the API answers them (only the fields the karte shows).
type Money = { amount: number; currency: string };
export type Sub = {
  id: string;
  product: { sku: string; name: string; category: string | null };
  quantity: number;
  intervalDays: number;
  nextDeliveryOn: string | null;
  status: string;
  commitment: { minDeliveries: number; earlyCancellationFee: Money | null } | null;
  deliveriesCompleted: number;
  version: number;
};
type Driver = { code: string; label: string; contribution: number };
type Risk = { subscriptionId: string; score: number; band: string; drivers: Driver[]; flags: string[] };
type TalkTrack = { opening: string; questions: string[]; pitch: string; ifAccepted: string; ifDeclined: string; notes: string[] };
export type Offer = {
  offerId: string;
  type: string;
  title: string;
  description: string;
  parameters: Record<string, unknown>;
  talkTrack: TalkTrack | null;
  observedSaveRate?: { accepted: number; declined: number; rate: number | null };
};
type TimelineItem = { at: string; kind: string; id: string; type: string; subscriptionId: string | null; channel: string | null; data: Record<string, unknown> };
export type KnowledgeEntry = { id: string; title: { ja: string; en: string }; body: { ja: string; en: string }; uses: number; new: boolean; topic: string };
type CancellationInfo = {
  commitment: { acknowledgeFeeRequired: boolean; basis: string | null } | null;
  chargesIfCanceledNow: { type: string; amount: Money; basis: string }[];
  cutoff: { rule: string };
  status: string;
};

/** GET /v1/exit-survey as the API answers it (both languages). */
export type ExitSurveyAnswer = {
  questions: { id: string; kind: "choice" | "text"; prompt: Record<Lang, string>; options?: { code: string; label: Record<Lang, string> }[] }[];
  keepInTouchWording: Record<Lang, string>;
};
/** The exit survey in the operator's language, as the cancel form shows it. */
export type ConsoleSurvey = { questions: { id: string; kind: "choice" | "text"; prompt: string; options?: { code: string; label: string }[] }[]; keepInTouch: string };

export function localSurvey(s: ExitSurveyAnswer, lang: Lang): ConsoleSurvey {
  return {
    questions: s.questions.map((q) => ({ id: q.id, kind: q.kind, prompt: q.prompt[lang], ...(q.options ? { options: q.options.map((o) => ({ code: o.code, label: o.label[lang] })) } : {}) })),
    keepInTouch: s.keepInTouchWording[lang],
  };
}

/**
 * What the cancel form's survey adds to the confirmation: only the questions answered, the
 * keep-in-touch answer only when the operator recorded one (nothing chosen = not asked), and the
 * date the customer means to come back, if they named one.
 */
export function surveyAnswersOf(form: Record<string, string>): { survey?: { questionId: string; answer: string }[]; keepInTouch?: boolean; returnOn?: string } {
  const survey = Object.entries(form)
    .filter(([k, v]) => k.startsWith("survey.") && v.trim() !== "")
    .map(([k, v]) => ({ questionId: k.slice("survey.".length), answer: v.trim() }));
  return {
    ...(survey.length > 0 ? { survey } : {}),
    ...(form.keepInTouch === "yes" ? { keepInTouch: true } : form.keepInTouch === "no" ? { keepInTouch: false } : {}),
    ...(form.returnOn ? { returnOn: form.returnOn } : {}),
  };
}

export type KarteData = {
  customer: { id: string; name: string | null; email: string | null; phone: string | null };
  subscriptions: Sub[];
  risk: { highest: Risk | null; subscriptions: Risk[] } | null;
  lookup: { route: string; nextBestAction: { type: string; title: string | null } | null; speech: string } | null;
  timeline: TimelineItem[];
  reasons: { code: string; label: string; followUpHint: string }[];
  focus: Sub | null;
  reason: string | null;
  offers: Offer[];
  knowledge: KnowledgeEntry[];
  cancellation: CancellationInfo | null;
  exitSurvey: ConsoleSurvey | null;
  notice: string | null;
  error: string | null;
};

const yen = (m: Money, lang: Lang) => new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-US", { style: "currency", currency: m.currency }).format(m.amount);
const when = (iso: string, lang: Lang) => new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-US", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" });
const percent = (r: number | null) => (r === null ? "—" : `${Math.round(r * 1000) / 10}%`);

/**
 * The exit survey inside the cancel form: every question optional (nothing chosen), the
 * keep-in-touch question read out with no answer chosen, and the return date left empty — none of
 * it is needed to confirm.
 */
function SurveyFields(props: { lang: Lang; survey: ConsoleSurvey }) {
  const { lang, survey } = props;
  return (
    <fieldset class="survey" data-survey="">
      <legend>{t(lang, "exitSurvey")}</legend>
      {survey.questions.map((q) =>
        q.kind === "choice" && q.options ? (
          <p>
            <label for={`survey-${q.id}`}>{q.prompt}</label>{" "}
            <select id={`survey-${q.id}`} name={`survey.${q.id}`}>
              <option value="" selected>
                —
              </option>
              {q.options.map((o) => (
                <option value={o.code}>{o.label}</option>
              ))}
            </select>
          </p>
        ) : (
          <p>
            <label for={`survey-${q.id}`}>{q.prompt}</label>
            <textarea id={`survey-${q.id}`} name={`survey.${q.id}`} rows={2} maxlength={1000}></textarea>
          </p>
        ),
      )}
      <fieldset class="keep-in-touch">
        <legend>{survey.keepInTouch}</legend>
        <label>
          <input type="radio" name="keepInTouch" value="yes" /> {t(lang, "keepInTouchYes")}
        </label>{" "}
        <label>
          <input type="radio" name="keepInTouch" value="no" /> {t(lang, "keepInTouchNo")}
        </label>
      </fieldset>
      <p>
        <label for="return-on">{t(lang, "returnOn")}</label> <input type="date" id="return-on" name="returnOn" />
      </p>
    </fieldset>
  );
}

/** One line of the timeline in the operator's words. */
function describe(i: TimelineItem, lang: Lang): string {
  const d = i.data;
  if (i.kind === "event" && i.type === "contact.logged") {
    const topic = TOPIC_LABELS[String(d.topic)]?.[lang] ?? String(d.topic);
    return `${topic}${d.sentiment ? ` · ${SENTIMENT_LABELS[String(d.sentiment)]?.[lang] ?? d.sentiment}` : ""}${d.note ? ` · ${d.note}` : ""}`;
  }
  if (i.kind === "event" && i.type === "survey.answered") return `NPS ${d.nps ?? "—"}${d.comment ? ` · ${d.comment}` : ""}`;
  if (i.kind === "cancel_flow") return [d.reason, d.confirmationNumber].filter(Boolean).join(" · ");
  if (i.kind === "change") {
    const after = (d.after ?? {}) as Record<string, unknown>;
    return Object.entries(after)
      .filter(([k]) => ["status", "intervalDays", "quantity", "nextDeliveryOn", "pausedUntil"].includes(k))
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
  }
  return "";
}

export function KartePage(props: { page: PageContext; data: KarteData; search: string }) {
  const { page, data } = props;
  const lang = page.lang;
  const { customer, focus } = data;
  const riskOf = (id: string) => data.risk?.subscriptions.find((r) => r.subscriptionId === id) ?? null;
  const focusRisk = focus ? riskOf(focus.id) : null;
  const back = `/console?customer=${encodeURIComponent(customer.id)}${focus ? `&sub=${encodeURIComponent(focus.id)}` : ""}${data.reason ? `&reason=${encodeURIComponent(data.reason)}` : ""}`;
  const hidden = (
    <>
      <input type="hidden" name="csrf" value={page.csrf} />
      <input type="hidden" name="customer" value={customer.id} />
      {focus ? <input type="hidden" name="sub" value={focus.id} /> : null}
      {data.reason ? <input type="hidden" name="reason" value={data.reason} /> : null}
    </>
  );
  return (
    <Layout page={page} title={`${t(lang, "karte")}: ${customer.name ?? customer.id}`} search={props.search}>
      {data.notice ? (
        <p class="notice" role="status">
          {data.notice}
        </p>
      ) : null}
      {data.error ? (
        <p class="error" role="alert">
          {t(lang, "error")}: {data.error}
        </p>
      ) : null}
      <div class="karte">
        <section aria-labelledby="who" class="panel">
          <h1 id="who">
            {customer.name ?? customer.id} <small>({customer.id})</small>
          </h1>
          <dl>
            <dt>{t(lang, "contact")}</dt>
            <dd>
              {customer.phone ?? "—"} / {customer.email ?? "—"}
            </dd>
            {data.lookup ? (
              <>
                <dt>{t(lang, "route")}</dt>
                <dd>{ROUTE_LABELS[data.lookup.route]?.[lang] ?? data.lookup.route}</dd>
                <dt>{t(lang, "nextBestAction")}</dt>
                <dd>{data.lookup.nextBestAction ? (data.lookup.nextBestAction.title ?? data.lookup.nextBestAction.type) : t(lang, "none")}</dd>
              </>
            ) : null}
          </dl>
          {data.lookup ? <p class="speech">{data.lookup.speech}</p> : null}
          <h2>{t(lang, "subscriptions")}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t(lang, "product")}</th>
                <th scope="col">{t(lang, "interval")}</th>
                <th scope="col">{t(lang, "quantity")}</th>
                <th scope="col">{t(lang, "nextDelivery")}</th>
                <th scope="col">{t(lang, "status")}</th>
                <th scope="col">{t(lang, "commitment")}</th>
                <th scope="col">{t(lang, "risk")}</th>
              </tr>
            </thead>
            <tbody>
              {data.subscriptions.map((s) => {
                const r = riskOf(s.id);
                return (
                  <tr class={focus?.id === s.id ? "focus" : ""}>
                    <th scope="row">
                      <a href={`/console?customer=${encodeURIComponent(customer.id)}&sub=${encodeURIComponent(s.id)}`} aria-current={focus?.id === s.id ? "true" : undefined}>
                        {s.product.name}
                      </a>{" "}
                      <small>{s.id}</small>
                    </th>
                    <td>
                      {s.intervalDays} {t(lang, "days")}
                    </td>
                    <td>{s.quantity}</td>
                    <td>{s.nextDeliveryOn ?? "—"}</td>
                    <td>{STATUS_LABELS[s.status]?.[lang] ?? s.status}</td>
                    <td>
                      {s.commitment
                        ? `${s.deliveriesCompleted}/${s.commitment.minDeliveries}${s.commitment.earlyCancellationFee ? ` · ${yen(s.commitment.earlyCancellationFee, lang)}` : ""}`
                        : "—"}
                    </td>
                    <td>{r && s.status !== "canceled" ? `${r.score} (${r.band})` : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {focusRisk ? (
            <>
              <h2>
                {t(lang, "risk")}: {focusRisk.score} <span class={`band ${focusRisk.band}`}>{focusRisk.band}</span>
              </h2>
              <h3>{t(lang, "drivers")}</h3>
              <ul>
                {focusRisk.drivers.filter((d) => d.contribution > 0).slice(0, 5).map((d) => (
                  <li>{d.label}</li>
                ))}
              </ul>
              {focusRisk.flags.length > 0 ? (
                <p>
                  {t(lang, "flags")}:{" "}
                  {focusRisk.flags.map((f) => (
                    <strong class="flag">{FLAG_LABELS[f]?.[lang] ?? f}</strong>
                  ))}
                </p>
              ) : null}
            </>
          ) : null}
        </section>

        {focus ? (
          <section aria-labelledby="retention" class="panel">
            <h2 id="retention">
              {t(lang, "retention")}: {focus.product.name}
            </h2>
            <form method="get" action="/console" class="row">
              <input type="hidden" name="customer" value={customer.id} />
              <input type="hidden" name="sub" value={focus.id} />
              <label for="reason">{t(lang, "reason")}</label>
              <select id="reason" name="reason">
                <option value="">—</option>
                {data.reasons.map((r) => (
                  <option value={r.code} selected={r.code === data.reason}>
                    {r.label}
                  </option>
                ))}
              </select>
              <button type="submit">{t(lang, "showOffers")}</button>
            </form>

            {data.cancellation && focus.status !== "canceled" ? (
              <form method="post" action="/console/cancel" class="cancel" aria-labelledby="cancel-title">
                {hidden}
                <h3 id="cancel-title">{t(lang, "cancel")}</h3>
                <p>{data.cancellation.cutoff.rule}</p>
                {data.cancellation.chargesIfCanceledNow.length > 0 ? (
                  <ul aria-label={t(lang, "charges")}>
                    {data.cancellation.chargesIfCanceledNow.map((ch) => (
                      <li>
                        <strong>{yen(ch.amount, lang)}</strong> — {ch.basis}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p>{t(lang, "noCharges")}</p>
                )}
                {data.cancellation.commitment?.acknowledgeFeeRequired ? (
                  <p>
                    <input type="checkbox" id="ack" name="acknowledgeFee" value="true" required />{" "}
                    <label for="ack">{t(lang, "feeReadOut")}</label>
                  </p>
                ) : null}
                {data.reason && data.offers.length > 0 ? (
                  // What the operator offered decides what the offer statistics learn: none by default.
                  <p>
                    <label for="presented">{t(lang, "offerPresented")}</label>{" "}
                    <select id="presented" name="presentedOfferId">
                      <option value="">{t(lang, "noOfferPresented")}</option>
                      {data.offers.map((o) => (
                        <option value={o.offerId}>{o.title}</option>
                      ))}
                    </select>
                  </p>
                ) : null}
                {data.exitSurvey ? <SurveyFields lang={lang} survey={data.exitSurvey} /> : null}
                <input type="hidden" name="version" value={String(focus.version)} />
                <button type="submit" class="danger" id="confirm-cancel">
                  {t(lang, "confirmCancel")}
                </button>
              </form>
            ) : null}

            {data.reason ? (
              <>
                <h3>{t(lang, "offers")}</h3>
                <ol class="offers">
                  {data.offers.map((o) => {
                    const call = planCallFor(o);
                    return (
                      <li class="offer">
                        <h4>{o.title}</h4>
                        <p>{o.description}</p>
                        <p class="rate">
                          {t(lang, "observedSaveRate")}:{" "}
                          <strong>
                            {o.observedSaveRate && o.observedSaveRate.rate !== null
                              ? `${percent(o.observedSaveRate.rate)} (${o.observedSaveRate.accepted}/${o.observedSaveRate.accepted + o.observedSaveRate.declined})`
                              : t(lang, "noAnswersYet")}
                          </strong>
                        </p>
                        {o.talkTrack ? (
                          <details open class="talk">
                            <summary>{t(lang, "talkTrack")}</summary>
                            <p>{o.talkTrack.opening}</p>
                            <h5>{t(lang, "ask")}</h5>
                            <ul>
                              {o.talkTrack.questions.map((q) => (
                                <li>{q}</li>
                              ))}
                            </ul>
                            <h5>{t(lang, "say")}</h5>
                            <p>{o.talkTrack.pitch}</p>
                            <h5>{t(lang, "avoid")}</h5>
                            <ul>
                              {o.talkTrack.notes.map((n) => (
                                <li>{n}</li>
                              ))}
                            </ul>
                          </details>
                        ) : null}
                        {call || data.reason ? (
                          <form method="post" action="/console/apply">
                            {hidden}
                            <input type="hidden" name="offerId" value={o.offerId} />
                            <input type="hidden" name="version" value={String(focus.version)} />
                            <input type="hidden" name="attempt" value={crypto.randomUUID()} />
                            <button type="submit" class="primary">
                              {t(lang, call ? "apply" : "acceptOffer")}: {o.title}
                            </button>
                          </form>
                        ) : null}
                      </li>
                    );
                  })}
                </ol>
              </>
            ) : null}
          </section>
        ) : null}

        <section aria-labelledby="kb" class="panel">
          <h2 id="kb">{t(lang, "knowledgeFor")}</h2>
          <KnowledgeList lang={lang} csrf={page.csrf} entries={data.knowledge} back={back} />
        </section>

        <section aria-labelledby="log" class="panel">
          <h2 id="log">{t(lang, "logContact")}</h2>
          <form method="post" action="/console/contact" class="stack">
            {hidden}
            <label for="topic">{t(lang, "topic")}</label>
            <select id="topic" name="topic">
              {CONTACT_TOPICS.map((x) => (
                <option value={x}>{TOPIC_LABELS[x]![lang]}</option>
              ))}
            </select>
            <label for="sentiment">{t(lang, "sentiment")}</label>
            <select id="sentiment" name="sentiment">
              {SENTIMENTS.map((x) => (
                <option value={x} selected={x === "neutral"}>
                  {SENTIMENT_LABELS[x]![lang]}
                </option>
              ))}
            </select>
            <label for="note">{t(lang, "note")}</label>
            <textarea id="note" name="note" rows={2} maxlength={2000}></textarea>
            <button type="submit">{t(lang, "save")}</button>
          </form>
        </section>

        <section aria-labelledby="tl" class="panel">
          <h2 id="tl">{t(lang, "timeline")}</h2>
          <ol class="timeline">
            {data.timeline.map((i) => (
              <li>
                <time datetime={i.at}>{when(i.at, lang)}</time> <span class="kind">{i.type}</span>
                {i.channel ? <span class="channel"> · {i.channel}</span> : null} <span>{describe(i, lang)}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </Layout>
  );
}

export function KnowledgeList(props: { lang: Lang; csrf: string; entries: KnowledgeEntry[]; back: string }) {
  const { lang } = props;
  return (
    <ul class="knowledge">
      {props.entries.map((e) => (
        <li class="entry" data-entry={e.id}>
          <h3>
            {e.title[lang]} {e.new ? <span class="new">{t(lang, "newEntry")}</span> : null}
          </h3>
          <p>{e.body[lang]}</p>
          <form method="post" action="/console/knowledge/use" class="use">
            <input type="hidden" name="csrf" value={props.csrf} />
            <input type="hidden" name="entryId" value={e.id} />
            <input type="hidden" name="back" value={props.back} />
            <button type="submit" aria-label={`${t(lang, "markUsed")}: ${e.title[lang]}`}>
              {t(lang, "markUsed")}
            </button>{" "}
            <span class="uses">
              {e.uses} {t(lang, "uses")}
            </span>
          </form>
        </li>
      ))}
    </ul>
  );
}

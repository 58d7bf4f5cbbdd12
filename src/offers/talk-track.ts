/**
 * Talk tracks for `channel=operator`: what the agent asks for this reason and how to present the
 * one offer — truthful (the same computed terms as the on-screen copy), never a wall (the way to
 * continue cancelling is part of the script), and lint-clean (tested).
 */
import { isCancellationReasonCode, type CancellationReasonCode } from "../cancel-flows/reasons";
import type { Language } from "../platform/localized-text";
import { unitWord } from "../platform/quantity";
import { spokenPrices } from "../platform/numbers";
import { firstChangeableDate } from "../plan-changes/rules";
import { addDays, writeDate } from "../platform/dates";
import { describeStock, type StockEstimate } from "../risk/stock";
import { DEFAULT_SETTINGS } from "../settings/schemas";
import type { PersonalisedOffer } from "./personalise";

/**
 * What is known of the customer's stock (risk/stock), what the product's unit is called
 * (`unitLabel`: 包, 粒…; null when the package is the unit) and how many one package holds.
 */
export type TalkTrackStock = {
  stock: StockEstimate | null;
  unitLabel: string | null;
  unitsPerPackage?: number | null;
  /** Today (tenant-local YYYY-MM-DD) and the shop's change cut-off (days): a delivery before today + the cut-off cannot be skipped. */
  today?: string;
  changeCutoffDays?: number;
  /** false for a paused plan: it has no next delivery to skip until it resumes. */
  skippable?: boolean;
};

/** What a talk track knows of this subscription and today, from the offer context (`today`, the shop's change cut-off). */
export function talkTrackStock(
  sub: { status?: string; product: { unitLabel?: string | null; unitsPerPackage?: number | null } },
  ctx: { stockOnHand?: StockEstimate | null; today: string; settings?: { changeCutoffDays?: number } },
): TalkTrackStock {
  return {
    skippable: sub.status !== "paused",
    stock: ctx.stockOnHand ?? null,
    unitLabel: sub.product.unitLabel ?? null,
    unitsPerPackage: sub.product.unitsPerPackage ?? null,
    today: ctx.today,
    changeCutoffDays: ctx.settings?.changeCutoffDays ?? DEFAULT_SETTINGS.changeCutoffDays,
  };
}

export type TalkTrack = {
  /** Acknowledge the reason first. */
  opening: string;
  /** Questions to ask before presenting anything. */
  questions: string[];
  /** How to present the offer (its real terms). */
  pitch: string;
  ifAccepted: string;
  /** When the customer declines: continue cancelling, at once. */
  ifDeclined: string;
  /** Guidance for the agent (not read out). */
  notes: string[];
};

type Localized2<T> = { ja: T; en: T };

export const REASON_QUESTIONS: Record<CancellationReasonCode, Localized2<{ opening: string; questions: string[] }>> = {
  surplus_stock: {
    ja: {
      opening: "お手元に商品が余っているとのこと、教えていただきありがとうございます。",
      // Said in the product's own unit by surplusQuestions; these are for a product not known.
      questions: ["今お手元に何個ほど残っていますか？", "1個をだいたい何日くらいで使い切っていますか？"],
    },
    en: {
      opening: "Thank you for letting us know you have product left over.",
      questions: ["How many packs do you have left right now?", "Roughly how many days does one pack last you?"],
    },
  },
  too_expensive: {
    ja: {
      opening: "ご負担に感じていらっしゃるとのこと、承知しました。",
      questions: ["1回あたりのお支払いと、お届けの頻度のどちらがご負担ですか？", "量を減らす形であれば続けたいお気持ちはありますか？"],
    },
    en: {
      opening: "I understand the cost is a concern.",
      questions: ["Is it the amount per delivery or how often it comes that feels like too much?", "Would a smaller quantity work for you?"],
    },
  },
  no_effect: {
    ja: {
      opening: "ご期待に沿えていないとのこと、お聞かせいただきありがとうございます。",
      questions: ["いつ頃からお使いですか？", "普段はどのくらいの量を、どのタイミングでお使いですか？"],
    },
    en: {
      opening: "Thank you for telling us it hasn't met your expectations.",
      questions: ["Since when have you been using it?", "How much do you usually use, and when?"],
    },
  },
  switching_competitor: {
    ja: {
      opening: "他社の商品をご検討とのこと、承知しました。",
      questions: ["差し支えなければ、切り替え先を選ばれた決め手（価格・内容・量など）を教えていただけますか？"],
    },
    en: {
      opening: "Understood, you're moving to another brand.",
      questions: ["If you don't mind sharing, what made you choose it — price, contents, size?"],
    },
  },
  temporary_break: {
    ja: {
      opening: "しばらくご不要とのこと、承知しました。",
      questions: ["いつ頃までご不要でしょうか？", "再開のご予定日はお決まりですか？"],
    },
    en: {
      opening: "Understood, you won't need it for a while.",
      questions: ["Until when won't you need it?", "Do you already know when you'd like deliveries to restart?"],
    },
  },
  moving: {
    ja: {
      opening: "お引っ越しのご予定とのこと、承知しました。",
      questions: ["お引っ越しはいつ頃のご予定ですか？", "新しいご住所へのお届けをご希望ですか？"],
    },
    en: {
      opening: "Understood, you're moving.",
      questions: ["When are you moving?", "Would you like deliveries to go to your new address?"],
    },
  },
  health_or_life_change: {
    ja: {
      opening: "ご事情をお聞かせいただきありがとうございます。",
      questions: ["解約のほかに、しばらくお休みする形もございますが、どちらがよろしいですか？"],
    },
    en: {
      opening: "Thank you for telling us.",
      questions: ["Besides cancelling, a pause is also possible — which would you prefer?"],
    },
  },
  delivery_problem: {
    ja: {
      opening: "配送でご迷惑をおかけし、申し訳ありません。",
      questions: ["どのような問題がありましたか（受け取れない日時、破損、遅れなど）？", "ご都合のよいお届け日はありますか？"],
    },
    en: {
      opening: "I'm sorry about the trouble with your delivery.",
      questions: ["What went wrong — a time you couldn't receive it, damage, a delay?", "Is there a delivery date that suits you better?"],
    },
  },
  dissatisfied_service: {
    ja: {
      opening: "ご不快な思いをおかけし、申し訳ありません。",
      questions: ["どのような点にご不満がありましたか？ 今後のために記録させてください。"],
    },
    en: {
      opening: "I'm sorry we let you down.",
      questions: ["What went wrong? I'd like to record it so we can do better."],
    },
  },
  other: {
    ja: {
      opening: "お問い合わせありがとうございます。",
      questions: ["差し支えなければ、解約の理由をお聞かせいただけますか？ お答えいただかなくても解約はできます。"],
    },
    en: {
      opening: "Thank you for calling.",
      questions: ["If you don't mind, may I ask why you'd like to cancel? You can cancel without telling us."],
    },
  },
};

const CLOSING = {
  ja: {
    invite: "よろしければ、このお電話でお手続きいたします。もちろん、このまま解約のお手続きを進めることもできます。",
    // Advice changes nothing on the plan: there is nothing to set up, only to try.
    tryAdvice: "この使い方で、もうしばらくお続けになってみませんか？もちろん、このまま解約のお手続きを進めることもできます。",
    adviceAccepted: "ありがとうございます。ご契約は今のまま続きます。使い方でご不明な点があれば、いつでもお問い合わせください。",
    // Only what the product does: nothing is sent by Tsuzuku, so the agent promises no confirmation.
    accepted: "ありがとうございます。「{title}」で承りました。変更後の内容（次回のお届け日・金額）を画面のとおりにお伝えします。",
    declined: "承知しました。それでは解約のお手続きを進めます。",
  },
  en: {
    invite: "If you like, I can set that up on this call. Or, if you prefer, I'll go ahead with the cancellation.",
    tryAdvice: "Would you like to keep going a little longer, trying it this way? Or, if you prefer, I'll go ahead with the cancellation.",
    adviceAccepted: "Thank you — your plan stays as it is. If anything about using it is unclear, just get in touch.",
    accepted: "Thank you — I've set up “{title}”. Let me read you the plan as it now stands (next delivery, price).",
    declined: "Understood. I'll go ahead with the cancellation now.",
  },
} as const;

const NOTES = {
  ja: [
    "ご案内は1回だけです。お断りの場合は、すぐに解約手続きに進んでください。",
    "商品の働きや体への影響についてのお約束、やめることへの不安をあおる言い方はしないでください。",
    "金額と日付は画面に表示された内容のとおりにお伝えください。",
  ],
  en: [
    "Make the offer once. If the customer declines, go straight to the cancellation.",
    "Do not promise what the product does for the body, and do not suggest that stopping is risky.",
    "Quote prices and dates exactly as shown on screen.",
  ],
} as const;

function offerNotes(offer: PersonalisedOffer, lang: Language): string[] {
  const p = offer.parameters;
  if (p.type === "change_interval" && p.basis === "next_longer") {
    return [
      lang === "ja"
        ? "残りの数を伺えたら入力してください。実際のご使用ペースに合う間隔を計算し直します。"
        : "If the customer tells you how many units are left, enter it: the interval is recalculated to match their actual use.",
    ];
  }
  if (p.type === "discount") {
    return [
      lang === "ja"
        ? "割引の終了日と、終了後の価格を必ずお伝えください。"
        : "Always state when the discount ends and the price after it ends.",
    ];
  }
  if (p.type === "skip" && p.mode === "move_next_delivery") {
    return [lang === "ja" ? "ご希望の日を伺い、画面の範囲内で設定してください。" : "Ask for the date they want and set it within the range shown."];
  }
  if (p.type === "pause") {
    return [lang === "ja" ? "再開日はご希望に合わせて、画面の最長日までで設定できます。" : "Set the restart date the customer wants, up to the latest date shown."];
  }
  return [];
}

/**
 * The surplus questions in the product's own unit, written once with its counter: how many are
 * left (「何包」, 「何粒」; the package, 「何個」, when the product has no unit), and the pace of use
 * — per day for a unit that comes many to a package (「1日に何粒ほど」), else how long one lasts
 * (「1袋をだいたい何日くらいで」). The answers are what the stock count (`usage.reported`) takes.
 */
function surplusQuestions(unit: TalkTrackStock | undefined, lang: Language): string[] {
  const label = unit?.unitLabel ?? null;
  const perDay = (unit?.unitsPerPackage ?? 1) > 1;
  if (lang === "ja") {
    const u = unitWord(label, 1, "ja");
    return [`今お手元に何${u}ほど残っていますか？`, perDay ? `1日に何${u}ほどお使いですか？` : `1${u}をだいたい何日くらいで使い切っていますか？`];
  }
  const one = unitWord(label, 1, "en", ["pack", "packs"]);
  const many = unitWord(label, 2, "en", ["pack", "packs"]);
  return [`How many ${many} do you have left right now?`, perDay ? `About how many ${many} do you use a day?` : `Roughly how many days does one ${one} last you?`];
}

/**
 * With a known stock, the agent confirms it instead of asking from scratch, and a stock-based
 * offer says what it is based on — in the words of risk/stock (「あと約60包、2か月分ほど」).
 */
function stockLines(offer: PersonalisedOffer, code: CancellationReasonCode, known: TalkTrackStock | undefined, lang: Language): { question: string | null; before: string; after: string; caution: string | null } {
  const none = { question: null, before: "", after: "", caution: null };
  if (!known?.stock) return none;
  const said = describeStock(known.stock, known.unitLabel, lang);
  const p = offer.parameters;
  const question =
    code === "surplus_stock" ? (lang === "ja" ? `記録では、お手元に${said}と伺っています。今もそのくらいでしょうか？` : `Our records say you have ${said}. Is that still about right?`) : null;
  // A skip the recorded stock does not last through: the pitch claims no fit, and the agent is told
  // what the skip would leave the customer without (a reason given is not a count; the record may be old).
  const runsOut = p.type === "skip" && p.mode === "skip" && known.today !== undefined ? skipRunsShort(known.stock, known.today, p.newNextDeliveryOn) : null;
  if (runsOut && p.type === "skip" && p.mode === "skip") {
    const [from, to, skipped] = [writeDate(runsOut, lang, "full"), writeDate(p.newNextDeliveryOn, lang, "full"), writeDate(p.skippedDeliveryOn, lang, "full")];
    const caution =
      lang === "ja"
        ? `記録では、お手元は${said}です。${skipped}のお届けをスキップすると、${from}ごろから${to}のお届けまで商品が切れます。スキップをご案内する前に、今お手元にある量を伺ってください。`
        : `Our records say the customer has ${said}. Skipping the delivery on ${skipped} would leave them without from about ${from} until the delivery on ${to}. Ask how much they have now before offering the skip.`;
    return { ...none, question, caution };
  }
  const stockBased = (p.type === "change_interval" && p.basis === "stock_on_hand") || (p.type === "skip" && p.mode === "skip");
  if (!stockBased) return { ...none, question };
  const before = lang === "ja" ? `お手元の量（${said}）に合わせたご提案です。` : `This is based on what you have at home (${said}).`;
  // Skipping the next delivery works the surplus off — said only while that delivery can still be skipped.
  const skippable = (on: string) => known.skippable !== false && (known.today === undefined || on >= firstChangeableDate(known.today, { changeCutoffDays: known.changeCutoffDays ?? DEFAULT_SETTINGS.changeCutoffDays }));
  const after =
    p.type === "change_interval" && (p.surplusDeliveries ?? 0) >= 1 && skippable(p.nextDeliveryOn)
      ? lang === "ja"
        ? "今ある分は、次回のお届けをスキップして使い切ることもできます。"
        : "You can also skip the next delivery to use up what you have."
      : "";
  return { question, before, after, caution: null };
}

/**
 * The day the recorded stock runs out (YYYY-MM-DD, shop-local: `today` + the whole days it lasts at
 * the customer's pace, risk/stock `daysOnHand`) when that is before `nextDeliveryOn`, the delivery a
 * skip moves the plan to; null when the stock lasts until then.
 */
export function skipRunsShort(stock: StockEstimate, today: string, nextDeliveryOn: string): string | null {
  const runsOut = addDays(today, Math.floor(stock.daysOnHand));
  return runsOut < nextDeliveryOn ? runsOut : null;
}

/**
 * Copy as an agent says it: a list's lines (usage tips: 「・…」, "• …") become sentences of the
 * pitch, without bullets or line breaks; a price with its tax basis first (「税込5,980円」).
 */
export function spoken(written: string, lang: Language): string {
  // A price as a voice says it: 「税込5,980円」, not 「5,980円（税込）」.
  const text = spokenPrices(written, lang);
  if (!text.includes("\n")) return text;
  const end = lang === "ja" ? /[。！？!?]$/u : /[.!?]$/u;
  const sentences = text
    .split("\n")
    .map((l) => l.replace(/^\s*[・•]\s*/u, "").trim())
    .filter((l) => l !== "")
    .map((l) => (end.test(l) ? l : `${l}${lang === "ja" ? "。" : "."}`));
  return sentences.join(lang === "ja" ? "" : " ");
}

/**
 * What the agent says of the offer itself: its description as spoken — but for usage advice, the
 * tips themselves after one line introducing them. The advice's description is written to be read
 * on a screen (「ご案内をご覧になったうえで…」, a closing line of its own), and on the phone the agent
 * is the shop's desk a tip may refer the customer to: that tip is left out.
 */
function pitchBody(offer: PersonalisedOffer, lang: Language): string {
  const p = offer.parameters;
  if (p.type !== "usage_advice") return spoken(offer.description[lang], lang);
  const tips = p.tips.map((t) => t[lang]).filter((t) => !REFERS_TO_DESK[lang].test(t));
  const intro = lang === "ja" ? `よくあるご質問をもとに、使い方をご案内します。` : "Here are a few tips from common questions.";
  return [intro, spoken(tips.join("\n"), lang)].filter(Boolean).join(lang === "ja" ? "" : " ");
}

/** A tip that sends the customer to the shop's desk: on the phone the agent is that desk. */
const REFERS_TO_DESK = {
  ja: /窓口|カスタマー(?:センター|サポート)|コールセンター|サポートデスク|お問い合わせください|お電話ください/u,
  en: /customer (?:desk|service|centre|center|support)|call cent(?:re|er)|support desk|(?:contact|call) us/iu,
} as const;

/** Talk track in both languages for one personalised offer and the customer's reason (and stock, when known). */
export function buildTalkTrack(offer: PersonalisedOffer, reason: string, stock?: TalkTrackStock): Localized2<TalkTrack> {
  const code: CancellationReasonCode = isCancellationReasonCode(reason) ? reason : "other";
  const build = (lang: Language): TalkTrack => {
    const r = code === "surplus_stock" ? { ...REASON_QUESTIONS[code][lang], questions: surplusQuestions(stock, lang) } : REASON_QUESTIONS[code][lang];
    const c = CLOSING[lang];
    const known = stockLines(offer, code, stock, lang);
    return {
      opening: r.opening,
      questions: known.question ? [known.question, ...r.questions.slice(1)] : [...r.questions],
      pitch: [known.before, pitchBody(offer, lang), known.after, offer.parameters.type === "usage_advice" ? c.tryAdvice : c.invite].filter(Boolean).join(lang === "ja" ? "" : " "),
      ifAccepted: offer.parameters.type === "usage_advice" ? c.adviceAccepted : c.accepted.replace("{title}", offer.title[lang]),
      ifDeclined: c.declined,
      notes: [...(known.caution ? [known.caution] : []), ...NOTES[lang], ...offerNotes(offer, lang)],
    };
  };
  return { ja: build("ja"), en: build("en") };
}

/** Every string of a talk track, for linting. */
export function talkTrackTexts(track: TalkTrack): string[] {
  return [track.opening, ...track.questions, track.pitch, track.ifAccepted, track.ifDeclined, ...track.notes];
}

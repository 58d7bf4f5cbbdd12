import type { Tx } from "../db/client";
import { knowledgeEntries } from "../db/schema";

type Entry = { id: string; title: { ja: string; en: string }; body: { ja: string; en: string }; category: string | null; topic: string; reasons: string[]; uses: number; ageDays: number };

/**
 * The demo shop's knowledge: what its best operators say about taking 青汁 and 酵素, a 美容液
 * routine, surplus stock and pause vs skip. Plain usage advice and policy, no health claims
 * (the same rule as offer copy). `uses` and `ageDays` give the console a realistic order and a
 * few entries marked new.
 */
export const DEMO_KNOWLEDGE: readonly Entry[] = [
  {
    id: "kb-aojiru-how-to-take",
    title: { ja: "青汁の続けやすい飲み方", en: "Ways to keep taking aojiru" },
    body: {
      ja: "1包を水や牛乳100〜150mlによく溶かします。朝食と一緒が続けやすいというお声が多いです。苦手な方には豆乳・ヨーグルト・バナナとのスムージーをご案内してください。飲む時間に決まりはありません。",
      en: "Dissolve one sachet in 100–150 ml of water or milk. Many customers find it easiest with breakfast. For those who dislike the taste, suggest a smoothie with soy milk, yoghurt or banana. There is no set time to take it.",
    },
    category: "health_food",
    topic: "usage_advice",
    reasons: ["no_effect", "surplus_stock", "other"],
    uses: 42,
    ageDays: 200,
  },
  {
    id: "kb-koso-drink",
    title: { ja: "酵素ドリンクの飲み方と保管", en: "Taking and storing the enzyme drink" },
    body: {
      ja: "1日30〜50mlを目安に、水や炭酸水で3〜5倍に薄めてお飲みください。開栓後は冷蔵庫で保管し、お早めにお召し上がりください。量が多いと感じる方には、お届け間隔を延ばす方法もご案内できます。",
      en: "About 30–50 ml a day, diluted 3–5 times with water or sparkling water. Keep it in the fridge once opened and finish it soon. Customers who find it too much can stretch the delivery interval.",
    },
    category: "health_food",
    topic: "usage_advice",
    reasons: ["surplus_stock", "no_effect", "too_expensive"],
    uses: 27,
    ageDays: 150,
  },
  {
    id: "kb-serum-routine",
    title: { ja: "美容液のお手入れ手順", en: "A skincare routine with the serum" },
    body: {
      ja: "洗顔→化粧水の後、1〜2プッシュを顔全体になじませ、最後に乳液やクリームで整えます。朝晩2回が基本ですが、夜だけでも構いません。1本で約45日分のため、余る場合はお届け間隔を60日にできます。",
      en: "After cleansing and toner, spread 1–2 pumps over the face, then finish with milk or cream. Morning and night is usual; night only is fine too. One bottle lasts about 45 days; if it piles up, the interval can be 60 days.",
    },
    category: "cosmetics",
    topic: "usage_advice",
    reasons: ["no_effect", "surplus_stock"],
    uses: 31,
    ageDays: 120,
  },
  {
    id: "kb-surplus-stock",
    title: { ja: "商品が余っているとき", en: "When stock is piling up" },
    body: {
      ja: "残りの量を伺い、使い切るまでの日数を一緒に計算します。次回をスキップするか、お届け間隔を延ばすか、数量を減らすかをお客様に選んでいただきます。解約をご希望の場合はそのまま手続きできます。",
      en: "Ask how much is left and work out together how many days it lasts. Let the customer choose: skip the next delivery, stretch the interval or lower the quantity. If they still want to cancel, cancel straight away.",
    },
    category: null,
    topic: "plan_options",
    reasons: ["surplus_stock"],
    uses: 58,
    ageDays: 300,
  },
  {
    id: "kb-pause-vs-skip",
    title: { ja: "お休みとスキップの違い", en: "Pause or skip?" },
    body: {
      ja: "スキップは次回の1回分だけお届けを見送り、その後は通常どおりお届けします。お休みは再開日まで全てのお届けを止め、再開日から自動で再開します（最長90日）。旅行や入院には、再開日を決められるお休みが向いています。",
      en: "A skip leaves out the next delivery only; deliveries then continue as usual. A pause stops every delivery until the resume date and restarts by itself (up to 90 days). For a trip or a hospital stay, a pause with a known end fits better.",
    },
    category: null,
    topic: "plan_options",
    reasons: ["surplus_stock", "temporary_break", "moving"],
    uses: 36,
    ageDays: 240,
  },
  {
    id: "kb-commitment-fee",
    title: { ja: "定期コースの回数条件と解約手数料", en: "Minimum deliveries and the cancellation fee" },
    body: {
      ja: "回数条件のあるコースで条件前に解約する場合、お申し込み時に表示した解約手数料がかかります。金額と根拠を読み上げ、了承を得てから確定してください。手数料を理由に解約をお断りすることはできません。",
      en: "On a course with a minimum number of deliveries, cancelling before it charges the fee shown at sign-up. Read out the amount and its basis and get the customer's agreement before confirming. A fee is never a reason to refuse a cancellation.",
    },
    category: null,
    topic: "policy",
    reasons: ["too_expensive", "other", "switching_competitor"],
    uses: 19,
    ageDays: 365,
  },
  {
    id: "kb-aojiru-taste",
    title: { ja: "青汁の味が苦手なお客様へ", en: "For customers who dislike the taste of aojiru" },
    body: {
      ja: "冷たい牛乳や豆乳で溶かすと青臭さが和らぎます。ヨーグルトに混ぜる方法も好評です。それでも合わない場合は、数量を減らすか他の商品への切り替えをご案内できます。",
      en: "Cold milk or soy milk softens the grassy taste; mixing it into yoghurt is popular too. If it still does not suit them, offer a smaller quantity or a switch to another product.",
    },
    category: "health_food",
    topic: "product_knowledge",
    reasons: ["no_effect", "dissatisfied_service", "other"],
    uses: 4,
    ageDays: 5,
  },
  {
    id: "kb-budget-options",
    title: { ja: "料金が負担なとき", en: "When the price is a burden" },
    body: {
      ja: "お届け間隔を延ばすと月あたりの負担が下がります。数量を1つ減らす方法もあります。割引がある場合は、割引の終了時期と終了後の金額を必ずお伝えください。",
      en: "A longer interval lowers the monthly cost; so does one unit less. If a discount is offered, always say when it ends and the price after it.",
    },
    category: null,
    topic: "plan_options",
    reasons: ["too_expensive"],
    uses: 12,
    ageDays: 3,
  },
];

export async function insertDemoKnowledge(tx: Tx, tenantId: string, now: Date) {
  const day = 86_400_000;
  await tx.insert(knowledgeEntries).values(
    DEMO_KNOWLEDGE.map(({ ageDays, ...e }) => {
      const at = new Date(now.getTime() - ageDays * day).toISOString();
      return { ...e, tenantId, lastUsedAt: e.uses > 0 ? now.toISOString() : null, createdAt: at, updatedAt: at };
    }),
  );
}

import { expect, it } from "vitest";
import { MetricsPage } from "../../src/console/metrics";

// The supervisor's figures as a person reads them: one 再加入率 per range, and percentages that
// agree with the counts beside them (the API's rates are rounded to 4 decimals: rounding those again
// to 0.1 % showed 7 of 13 as 53.9 %, where 7 / 13 = 53.846… %).
const group = { key: "2026-11-23", started: 13, saved: 7, canceled: 6, undone: 0, saveRate: 0.5385, durableSaveRate: null, durableSaves: { judged: 0, durable: 0, lost: 0 }, timeToCancel: { medianSeconds: null, maxCalls: null } };
const retention = {
  from: "2026-11-01",
  to: "2026-11-30",
  started: 13,
  saved: 7,
  canceled: 6,
  saveRate: 0.5385,
  durableSaveRate: null,
  durableSaves: { judged: 0, durable: 0, lost: 2 },
  holdout: null,
  churn: { activeAtStart: 11, canceled: 6, churnRate: 0.5455 },
  winback: { reactivationRate: 0.2 },
  timeToCancel: { medianSeconds: null, maxCalls: null },
  groups: [group],
};
const winbackGroup = { key: "too_expensive", canceled: 68, reactivated: 29, reactivationRate: 0.4265, matured: 68, reactivatedWithin180: 29, rate180: 0.4265 };
const winback = {
  from: "2025-12-01",
  to: "2026-11-30",
  canceled: 68,
  reactivated: 29,
  reactivationRate: 0.4265,
  matured: 68,
  reactivatedWithin180: 29,
  rate180: 0.4265,
  contacts: { afterContactShare: null },
  holdout: null,
  revenueRecovered: [],
  byReason: [winbackGroup],
  byMonth: [{ ...winbackGroup, key: "2026-06" }],
};

it("shows each rate as its counts give it, and 再加入率 once, in the win-back section with its own range", async () => {
  const html = String(
    await (
      MetricsPage({
        page: { lang: "ja", csrf: "x", operatorName: "主任", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-01" },
        overall: retention as never,
        groups: { week: retention, reason: retention, offer: retention, channel: retention, operator: retention } as never,
        winback: winback as never,
        durableSaveDays: 30,
        reasons: [],
        offers: [],
      })
    ),
  );
  const cells = (id: string) => [...html.slice(html.indexOf(`id="${id}"`)).split("</table>")[0]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  // 7 saved of 13 decided: 53.8 %, in the summary and in the week's row.
  expect(cells("summary")).toContain("53.8%");
  expect(cells("summary")).not.toContain("53.9%");
  expect(cells("table-week")).toContain("53.8%");
  // churn 6 of 11 = 54.5 % (0.5455 rounded again was 54.6 %); 29 of 68 came back = 42.6 % (was 42.7 %).
  expect(cells("summary")).toContain("54.5%");
  expect(cells("winback-summary")).toContain("42.6%");
  expect(cells("table-winbackReason")).toContain("42.6%");
  expect(html.split(`<th scope="row">再加入率</th>`).length - 1).toBe(1);
  // Saves already undone are said beside a durable rate not yet judged.
  expect(html.match(/<td data-durable="true">([^<]*)<\/td>/)![1]).toBe("—（阻止から30日たった対応がまだないため判定できません）（阻止後に再び解約: 2件）");
  // The charts are drawn from the same counts as the tables (the chart rounds 7 / 13 itself: 53.8).
  const charts = JSON.parse(html.match(/<script type="application\/json" id="metrics-data">(.*?)<\/script>/)![1]!);
  expect(charts.week.points[0].rate).toBe(7 / 13);
  expect(charts.winbackReason.points[0].rate).toBe(29 / 68);
});

it("the offer table shows how many flows took each offer (accepted) and the save rate that implies, beside the flows it was shown in", async () => {
  // off_skip_next was shown in 13 flows: 7 saved (3 by taking it, 4 otherwise), 6 canceled.
  const offer = { ...group, key: "off_skip_next", accepted: 3 };
  const html = String(
    await (
      MetricsPage({
        page: { lang: "ja", csrf: "x", operatorName: "主任", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-01" },
        overall: retention as never,
        groups: { week: retention, reason: retention, offer: { ...retention, groups: [offer] }, channel: retention, operator: retention } as never,
        winback: winback as never,
        durableSaveDays: 30,
        reasons: [],
        offers: [],
      })
    ),
  );
  const table = html.slice(html.indexOf(`id="table-offer"`)).split("</table>")[0]!;
  const heads = [...table.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
  expect(heads).toEqual(["提案", "開始", "承諾（この提案で阻止）", "承諾による阻止率", "阻止（提示した相談全体・ほかの方法を含む）", "解約", "取り消し（解約後、効力発生日までに再開）", "提示した相談の阻止率", "継続阻止率", "解約にかかった時間（中央値）"]);
  const cells = [...table.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
  expect(cells.slice(0, 7)).toEqual(["13", "3", "23.1%", "7", "6", "0", "53.8%"]); // 3 of 13 decided
  // The other tables keep their columns.
  expect(html.slice(html.indexOf(`id="table-reason"`)).split("</table>")[0]).not.toContain("承諾");
});

it("a holdout lift comes with its 95 % interval, and says when the interval still contains no difference", async () => {
  const render = async (lift: number, liftInterval: { low: number; high: number; confidence: 0.95 }) =>
    String(
      await MetricsPage({
        page: { lang: "ja", csrf: "x", operatorName: "主任", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-01" },
        overall: { ...retention, holdout: { lift, liftInterval } } as never,
        groups: { week: retention, reason: retention, offer: retention, channel: retention, operator: retention } as never,
        winback: winback as never,
        durableSaveDays: 30,
        reasons: [],
        offers: [],
      }),
    );
  const lift = (html: string) => html.match(/<td data-lift="holdout">([^<]*)<\/td>/)![1];
  // The trial's shop: 20 of 31 kept with offers, 1 of 8 held out.
  expect(lift(await render(0.5202, { low: 0.1805, high: 0.7021, confidence: 0.95 }))).toBe("+52ポイント（95%信頼区間 +18.1〜+70.2）");
  expect(lift(await render(0.1667, { low: -0.38, high: 0.6361, confidence: 0.95 }))).toBe("+16.7ポイント（95%信頼区間 −38〜+63.6）：まだ差があるとは言えません");
});

it("says how long cancelling took in minutes and seconds, as a supervisor reads it — not 248.5 (seconds)", async () => {
  const timed = { ...retention, timeToCancel: { medianSeconds: 346, maxCalls: 3 }, groups: [{ ...group, timeToCancel: { medianSeconds: 248.5, maxCalls: 3 } }, { ...group, key: "2026-11-30", timeToCancel: { medianSeconds: 45, maxCalls: 1 } }] };
  const html = String(
    await MetricsPage({
      page: { lang: "ja", csrf: "x", operatorName: "主任", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-01" },
      overall: timed as never,
      groups: { week: timed, reason: timed, offer: timed, channel: timed, operator: timed } as never,
      winback: winback as never,
      durableSaveDays: 30,
      reasons: [],
      offers: [],
    }),
  );
  const week = html.slice(html.indexOf(`id="table-week"`)).split("</table>")[0]!;
  const cells = [...week.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]).at(-1)).filter(Boolean);
  expect(cells).toEqual(["4分9秒", "45秒"]);
  expect(html).toContain("<td>5分46秒</td>");
  expect(html).not.toContain("248.5");
});

/** The page over `overall`, `groups` and `winback` as the tests above give them. */
const render = async (o: { overall?: unknown; groups?: Record<string, unknown>; winback?: unknown; offers?: unknown[] } = {}) =>
  String(
    await MetricsPage({
      page: { lang: "ja", csrf: "x", operatorName: "主任", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-01" },
      overall: (o.overall ?? retention) as never,
      groups: { week: retention, reason: retention, offer: retention, channel: retention, operator: retention, ...o.groups } as never,
      winback: (o.winback ?? winback) as never,
      durableSaveDays: 30,
      reasons: [],
      offers: (o.offers ?? []) as never,
    }),
  );
const tableOf = (html: string, id: string) => html.slice(html.indexOf(`id="${id}"`)).split("</table>")[0]!;
const rowsOf = (table: string) => [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((c) => c[1]));

it("the 180-day re-subscription rate is shown with its base: how many cancellations are 180 days old, how many still wait", async () => {
  // The trial's June: 26 cancellations, none 180 days old yet; December 2025: all 23 old enough.
  const june = { key: "2026-06", canceled: 26, reactivated: 7, reactivationRate: 0.2692, matured: 0, reactivatedWithin180: 0, rate180: null };
  const december = { key: "2025-12", canceled: 23, reactivated: 9, reactivationRate: 0.3913, matured: 23, reactivatedWithin180: 9, rate180: 0.3913 };
  const html = await render({ winback: { ...winback, canceled: 336, matured: 230, reactivatedWithin180: 66, byDaysSinceCancel: [{ days: 180, matured: 230, reactivatedWithin: 66, rate: 0.287, waiting: 106 }], byMonth: [december, june] } });
  const table = tableOf(html, "table-winbackMonth");
  expect(rowsOf(table)[0]).toEqual(["解約月", "解約", "再加入", "再加入率", "180日以内の再加入率", "180日経過（率の対象）", "180日未経過（集計待ち）"]);
  expect(rowsOf(table).slice(1)).toEqual([
    ["2025年12月", "23", "9", "39.1%", "39.1%", "23", "0"],
    ["2026年6月", "26", "7", "26.9%", "—", "0", "26"],
  ]);
  expect(html.match(/<td data-rate180="true">([^<]*)<\/td>/)![1]).toBe("28.7%（解約から180日たった230件のうち。180日たっていない106件は含めず）");
  // None old enough: said, not a bare dash.
  const young = await render({ winback: { ...winback, matured: 0, reactivatedWithin180: 0, rate180: null } });
  expect(young.match(/<td data-rate180="true">([^<]*)<\/td>/)![1]).toBe("—（解約から180日たった解約がまだありません。68件は180日たつのを待っています）");
});

it("flows no operator is recorded on are 「担当者の記録なし」 — not 「オペレーター対応なし」 beside a channel table that counts them as the operator's — with a note saying so", async () => {
  const operatorRows = { ...retention, groups: [{ ...group, key: "op-1", label: "デモ オペレーター" }, { ...group, key: "none", label: null }] };
  const html = await render({ groups: { operator: operatorRows } });
  const names = rowsOf(tableOf(html, "table-operator")).slice(1).map((r) => r[0]);
  expect(names).toEqual(["デモ オペレーター", "担当者の記録なし"]);
  expect(html).not.toContain("オペレーター対応なし");
  expect(html).toContain("チャネル別で「オペレーター」に数えられていても担当者が記録されていない対応を含みます");
});

it("the charts carry each bar's n and draw no rate from fewer than 5 flows; the page says so, and the legend has words for no bar pointed at", async () => {
  // The trial's reasons: 1 of 1 saved was a bar at 100 %.
  const reasons = { ...retention, groups: [{ ...group, key: "moving", started: 1, saved: 1, canceled: 0 }, { ...group, key: "too_expensive", started: 14, saved: 4, canceled: 6 }] };
  const html = await render({ groups: { reason: reasons } });
  const charts = JSON.parse(html.match(/<script type="application\/json" id="metrics-data">(.*?)<\/script>/)![1]!);
  expect(charts.reason.points.map((p: { key: string; n: number; rate: number | null }) => [p.key, p.n, p.rate])).toEqual([["moving", 1, null], ["too_expensive", 10, 0.4]]);
  expect(charts.reason.hint).toBe("棒にポインターを合わせると表示");
  // The table keeps the row's own rate.
  expect(rowsOf(tableOf(html, "table-reason"))[1]).toContain("100%");
  expect(html).toContain("5件未満の項目は率が偶然に左右されるため棒を描いていません");
});

it("継続阻止率 says why it has no figure yet — no save is durableSaveDays old — instead of a bare 「—」", async () => {
  const html = await render();
  expect(rowsOf(tableOf(html, "table-week"))[1]![6]).toBe("判定待ち（30日未経過）");
  const judged = { ...retention, groups: [{ ...group, durableSaveRate: 0.75, durableSaves: { judged: 4, durable: 3, lost: 1 } }] };
  expect(rowsOf(tableOf(await render({ groups: { week: judged } }), "table-week"))[1]![6]).toBe("75%");
});

// The trial's Monday report: 全体 read 開始 86, 阻止 24, 解約 41 and 解約率 6.7 % — 21 attempts unaccounted
// for, and 6.7 % is 39 / 584 (plans still canceled now), not 41 of anything. A cancellation the
// customer undid (reactivated before it took effect) is neither 解約 nor 阻止: 取り消し, apart.
it("全体 adds up — 開始 = 阻止 + 解約 + 取り消し + 中断 + 未完了 — and 解約率 says which cancellations it counts", async () => {
  const overall = { ...retention, started: 89, restarted: 0, saved: 24, canceled: 41, undone: 3, abandoned: 20, open: 1, saveRate: 0.3692, churn: { activeAtStart: 584, canceled: 39, churnRate: 0.06678 } };
  const html = await render({ overall, groups: { week: { ...retention, groups: [{ ...group, started: 14, undone: 1 }] } } });
  const rows = rowsOf(tableOf(html, "summary"));
  expect(rows.slice(0, 7).map((r) => r[0] + " " + r[1])).toEqual(["開始 89", "やり直し（開始に含めず） 0", "阻止 24", "解約 41", "取り消し（解約後、効力発生日までに再開） 3", "中断（決めずに離脱・期限切れ） 20", "未完了（まだ手続き中） 1"]);
  expect(rows.find((r) => r[1] === "6.7%")![0]).toBe("解約率（期間中に解約され、現在も解約中の定期39件 ÷ 期間の初めに継続中だった584件）");
  expect(html).toContain("開始89件 ＝ 阻止24 ＋ 解約41 ＋ 取り消し3 ＋ 中断20 ＋ 未完了1");
  expect(html).toContain("解約にも再開にも、解約率・阻止率・再加入率にも数えません");
  // A week's row: 開始 14 = 阻止 7 + 解約 6 + 取り消し 1.
  const [heads, week] = rowsOf(tableOf(html, "table-week"));
  expect(["開始", "阻止", "解約", "取り消し（解約後、効力発生日までに再開）"].map((h) => week![heads!.indexOf(h)])).toEqual(["14", "7", "6", "1"]);
  expect(html).toContain("上の「解約」は、この期間に始まった解約のご相談のうち解約で終わった件数です");
});

// Two offers a flow: a pause shown beside a skip that was taken read 「開始1 阻止1 承諾0 阻止率100%」.
it("by offer, an offer nobody took reads 0 % by its own acceptance, and the flows' rate is named as the flows'", async () => {
  const pause = { ...group, key: "off_pause", started: 6, saved: 6, canceled: 0, saveRate: 1, accepted: 0 };
  const html = await render({ groups: { offer: { ...retention, groups: [pause] } } });
  const [heads, row] = rowsOf(tableOf(html, "table-offer"));
  const cell = (head: string) => row![heads!.indexOf(head)];
  expect(cell("承諾による阻止率")).toBe("0%");
  expect(cell("提示した相談の阻止率")).toBe("100%");
  expect(heads).not.toContain("阻止率");
  // The chart's bar is the offer's own rate too.
  const charts = JSON.parse(html.match(/<script type="application\/json" id="metrics-data">(.*?)<\/script>/)![1]!);
  expect(charts.offer.label).toBe("承諾による阻止率");
  expect(charts.offer.points[0].rate).toBe(0);
});

// The shop's own 「次回のお届けをスキップ」 and the default of the same kind it switched off both read
// 「次回のお届けをスキップ」: rows are named by the title the shop wrote, a switched-off offer marked so.
const skipOffers = [
  { id: "off_skip_next", type: "skip", parameters: { count: 1 }, copy: { title: { ja: "次回のお届けをスキップ", en: "Skip your next delivery" } }, active: false },
  { id: "off_skip_ours", type: "skip", parameters: { count: 1 }, copy: { title: { ja: "次回だけお休み（送料無料のまま）", en: "Skip just the next one" } }, active: true },
  { id: "off_discount_20x2", type: "discount", parameters: { percentOff: 20, cycles: 2 }, copy: { title: { ja: "{discountedDeliveries}が{discountLabel}", en: "{discountLabel} {discountedDeliveries}" } }, active: true },
];

it("names each offer row by the shop's title, what it does beside it, and marks a switched-off offer 「（停止中）」", async () => {
  const offers = { ...retention, groups: ["off_discount_20x2", "off_skip_next", "off_skip_ours"].map((key) => ({ ...group, key, accepted: 1 })) };
  const html = await render({ groups: { offer: offers }, offers: skipOffers });
  const names = [...tableOf(html, "table-offer").matchAll(/<th scope="row"[^>]*>(.*?)<\/th>/gs)].map((m) => m[1]!.replace(/<br\/?>/g, " / ").replace(/<[^>]+>/g, ""));
  // A title worded per plan ({discountedDeliveries}) is named by what the offer does.
  expect(names).toEqual(["20%オフ × 2回", "次回のお届けをスキップ（停止中）", "次回だけお休み（送料無料のまま） / 次回のお届けをスキップ"]);
});

it("the console's CSV names the offer rows the same way, and heads the columns a person could misread with what they count", async () => {
  const { retentionCsv } = await import("../../src/metrics/csv");
  const { metricsCsvHeaders, metricsCsvRowName, metricsRowNames } = await import("../../src/console/metrics");
  const offers = { ...retention, started: 89, saved: 24, canceled: 41, undone: 3, abandoned: 20, open: 1, churn: { activeAtStart: 584, canceled: 39, churnRate: 0.06678 }, groupBy: "offer", groups: [{ key: "off_skip_next", started: 3, accepted: 1 }, { key: "off_skip_ours", started: 2, accepted: 2 }] };
  const { winback: _w, timeToCancel: _t, durableSaves: _d, holdout: _h, ...figures } = offers;
  const names = metricsCsvRowName(metricsRowNames({ lang: "ja", today: "2026-12-04", reasons: [], offers: skipOffers, operators: [] }), "ja");
  const lines = retentionCsv(figures as never, names, metricsCsvHeaders("ja")).text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  const head = lines[0]!.split(",");
  const column = (field: string) => head.findIndex((h) => h.endsWith(`[${field}]`));
  expect(head[column("canceled")]).toBe("解約（この期間に始まったご相談のうち解約で終わった件数） [canceled]");
  expect(head[column("churn.canceled")]).toBe("解約率の分子（期間中に解約され、現在も解約中の定期） [churn.canceled]");
  expect(head).toContain("中断（決めずに離脱・期限切れ） [abandoned]");
  expect(head).toContain("未完了（まだ手続き中） [open]");
  expect(head).toContain("取り消し（解約後、効力発生日までに再開。解約・再開のどちらにも数えない） [undone]");
  const total = lines[1]!.split(",");
  expect([total[column("canceled")], total[column("undone")], total[column("abandoned")], total[column("open")], total[column("churn.canceled")], total[column("churn.activeAtStart")]]).toEqual(["41", "3", "20", "1", "39", "584"]);
  const name = head.indexOf("name");
  expect(lines.slice(2).map((l) => l.split(",")[name])).toEqual(["次回のお届けをスキップ（停止中）", "次回だけお休み（送料無料のまま）"]);
});

import { expect, it } from "vitest";
import { dueKey, WinbackPage, type DueState } from "../../src/console/winback";
import { writeDateSpan } from "../../src/platform/dates";

// The win-back list says over which cancellations its hold-out was counted: the last 365 days, which
// cross a new year. 「2025年12月5日〜12月4日」 read as a span ending before it starts; each end names its year.
it("the win-back list's hold-out sentence names the year at both ends of a span across a new year", async () => {
  const page = { lang: "ja" as const, csrf: "x", operatorName: "店長", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-04" };
  const render = async (lang: "ja" | "en") =>
    String(
      await WinbackPage({
        page: { ...page, lang },
        rows: [],
        names: new Map(),
        reasons: [],
        nextCursor: null,
        limit: 50,
        first: true,
        due: null,
        holdout: { from: "2025-12-05", to: "2026-12-04", heldOut: 0, contactable: null },
      }),
    );
  expect(await render("ja")).toContain("2025年12月5日〜2026年12月4日の解約に、効果を比べるためにご連絡しない方（ホールドアウト）はいません。");
  expect(await render("en")).toContain("No cancellation from Dec 5, 2025 to Dec 4, 2026 is held out");
});

it("a span within today's year leaves the year out of both ends; another year's span keeps it", () => {
  expect(writeDateSpan("2026-11-05", "2026-12-04", "ja", "2026-12-04")).toEqual({ from: "11月5日", to: "12月4日" });
  expect(writeDateSpan("2025-11-05", "2025-12-04", "ja", "2026-12-04")).toEqual({ from: "2025年11月5日", to: "2025年12月4日" });
  expect(writeDateSpan("2026-12-24", "2027-01-23", "en", "2026-12-04")).toEqual({ from: "Dec 24, 2026", to: "Jan 23, 2027" });
});

// The owner rewrote the reason list (「料金が高い」 became their own code `price`): cancellations recorded
// before keep their code. The win-back list and the karte say it in words, never `too_expensive`.
it("a cancellation under a reason the shop has since taken off its list reads in words", async () => {
  const page = { lang: "ja" as const, csrf: "x", operatorName: "店長", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-04" };
  const row = {
    customerId: "C-3",
    subscriptionId: "S-3",
    reason: "too_expensive",
    canceledAt: "2026-12-04T08:14:17.631Z",
    returnOn: null,
    dueOn: "2027-02-02",
    probability: 0.1,
    drivers: [],
    annualValue: { amount: 145513, currency: "JPY" },
    expectedValue: { amount: 14304, currency: "JPY" },
    modelVersion: "winback-default-2026.1",
    offer: null,
  };
  const html = String(
    await WinbackPage({
      page,
      rows: [row as never],
      names: new Map([["C-3", "顧客 3"]]),
      reasons: [{ code: "price", label: "お値段が負担" }],
      nextCursor: null,
      limit: 50,
      first: true,
      due: null,
      holdout: null,
    }),
  );
  expect(html).toContain("料金が高い");
  expect(html).not.toContain("too_expensive");
});

// The metrics page's 「理由別をCSVで保存（Excel用）」: an owner opens it in Excel and reads each row by name,
// not by code — a `name` column beside `key`, as the page names the row; the API's own CSV stays as it is.
it("the metrics CSV download names each row as the page does", async () => {
  const { retentionCsv } = await import("../../src/metrics/csv");
  const { metricsCsvRowName, metricsRowNames } = await import("../../src/console/metrics");
  const group = { key: "too_expensive", started: 1, restarted: 0, saved: 0, canceled: 1 };
  const figures = { from: "2026-11-05", to: "2026-12-04", started: 2, restarted: 0, saved: 0, canceled: 1, groupBy: "reason", groups: [group, { ...group, key: "none" }] };
  const names = metricsCsvRowName(metricsRowNames({ lang: "ja", today: "2026-12-04", reasons: [{ code: "price", label: "お値段が負担" }], offers: [], operators: [] }), "ja");
  const rows = (text: string) => text.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
  const named = rows(retentionCsv(figures as never, names).text);
  expect(named[0]).toBe("from,to,group,key,name,started,restarted,saved,canceled");
  expect(named.slice(1)).toEqual(["2026-11-05,2026-12-04,,total,全体,2,0,0,1", "2026-11-05,2026-12-04,reason,too_expensive,料金が高い,1,0,0,1", "2026-11-05,2026-12-04,reason,none,理由の回答なし,1,0,0,1"]);
  expect(rows(retentionCsv(figures as never).text)[0]).toBe("from,to,group,key,started,restarted,saved,canceled");
});

// The trial's list: 長谷川 健太's ご連絡の予定日 was 9月1日 with nothing saying whether anyone had been in
// touch, and its 特典 read 「2026年12月8日からの再開のご案内」 — a reminder of the date they named, no perk.
it("a past contact date says whether winback.due went out; a reminder is not shown as a perk", async () => {
  const page = { lang: "ja" as const, csrf: "x", operatorName: "店長", supervisor: true, timeZone: "Asia/Tokyo", today: "2026-12-04" };
  const base = { customerId: "C-1", reason: null, returnOn: null, probability: 0.38, drivers: [], annualValue: { amount: 62580, currency: "JPY" }, expectedValue: { amount: 23971, currency: "JPY" }, modelVersion: "winback-default-2026.1", offer: null };
  const reminder = { kind: "reminder", offerId: null, type: "reminder", parameters: {}, title: "2026年12月8日からの再開のご案内", description: "", message: "", restartOn: "2026-12-08" };
  const rows = [
    { ...base, subscriptionId: "S-1", canceledAt: "2026-07-29T01:00:00.000Z", dueOn: "2026-09-01", offer: reminder },
    { ...base, subscriptionId: "S-2", canceledAt: "2026-07-02T01:00:00.000Z", dueOn: "2026-08-31" },
    { ...base, subscriptionId: "S-3", canceledAt: "2026-11-30T01:00:00.000Z", dueOn: "2027-01-29" },
  ];
  const dues = new Map<string, DueState>([
    [dueKey("S-1", "2026-07-29T01:00:00.000Z"), { status: "pending", sentAt: null }],
    [dueKey("S-2", "2026-07-02T01:00:00.000Z"), { status: "sent", sentAt: "2026-08-31T00:05:00.000Z" }],
    [dueKey("S-3", "2026-11-30T01:00:00.000Z"), { status: "pending", sentAt: null }],
  ]);
  const html = String(await WinbackPage({ page, rows: rows as never, names: new Map(), reasons: [], nextCursor: null, limit: 20, first: true, due: null, holdout: null, dues }));
  const cells = (cls: string) => [...html.matchAll(new RegExp(`<td class="${cls}"[^>]*>(.*?)</td>`, "g"))].map((m) => m[1]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim());
  expect(cells("due-on")).toEqual(["9月1日 予定日を過ぎています（まだご案内していません）", "8月31日 8月31日にご案内済み", "2027年1月29日"]);
  expect(html).toContain("<td>特典なし（12月8日からの再開をご案内）</td>");
  expect(html).not.toContain("2026年12月8日からの再開のご案内");
});

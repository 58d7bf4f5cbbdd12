import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * A partner generates a client from openapi.json with openapi-typescript's default settings and
 * writes the README's flow with openapi-fetch — sync, skip, the cancel flow — without a cast.
 * The flow must compile under `strict`: optional request fields stay optional, nullable answers
 * are typed `| null`, nothing is `& unknown`.
 */
const FLOW = `
import createClient from "openapi-fetch";
import type { paths, components } from "./api";

const api = createClient<paths>({ baseUrl: "http://localhost:8787", headers: { Authorization: "Bearer tsz_demo_KeepCustomersFairly2026" } });

export async function flow(): Promise<string> {
  // marketingConsent and locale have defaults: a client may leave them out.
  const customer = await api.PUT("/v1/customers/{customerId}", {
    params: { path: { customerId: "C-900001" } },
    body: { name: "山田 花子", email: "hanako.yamada@example.jp", phone: "090-1234-5678" },
  });
  if (customer.error) return customer.error.code;
  const synced = await api.PUT("/v1/subscriptions/{subscriptionId}", {
    params: { path: { subscriptionId: "S-900001" }, header: { "idempotency-key": "sync-S-900001-1" } },
    body: {
      customerId: "C-900001",
      product: { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food" },
      quantity: 1, intervalDays: 30, nextDeliveryOn: "2026-12-05",
      unitPrice: { amount: 3980, currency: "JPY" }, status: "active", startedAt: "2026-05-01T01:00:00Z",
    },
  });
  if (synced.error) return synced.error.detail;
  const version: number = synced.data.version;

  const skipped = await api.POST("/v1/subscriptions/{subscriptionId}/skip", {
    params: { path: { subscriptionId: "S-900001" } },
    body: { channel: "web" },
  });
  // The documented headers are typed per answer: the seconds a 429 says to wait, the ETag to send back as If-Match.
  type SkipAnswers = paths["/v1/subscriptions/{subscriptionId}/skip"]["post"]["responses"];
  if (skipped.response.status === 429) {
    const wait: SkipAnswers[429]["headers"]["Retry-After"] = Number(skipped.response.headers.get("Retry-After"));
    const seconds: number = wait;
    return \`retry in \${seconds} s\`;
  }
  if (skipped.error) {
    // The code narrows the problem; its documented members are typed.
    const e = skipped.error;
    if (e.code === "change_window_closed") {
      const first: string | undefined = e.firstChangeableDate;
      return \`try from \${first}\`;
    }
    if (e.code === "skip_limit_exceeded") {
      const left: number | undefined = e.remainingSkips;
      return \`\${left} skips left\`;
    }
    return e.detail;
  }
  const nextDelivery: string | null = skipped.data.subscription.nextDeliveryOn;
  const etag: SkipAnswers[200]["headers"]["ETag"] | null = skipped.response.headers.get("ETag");
  const ifMatch: string | null = etag;

  const started = await api.POST("/v1/subscriptions/{subscriptionId}/cancel-flows", {
    params: { path: { subscriptionId: "S-900001" } },
    body: {},
  });
  if (!started.data) return "not started";
  const flowId: string = started.data.flowId;
  const answered = await api.POST("/v1/cancel-flows/{flowId}/reason", {
    params: { path: { flowId } },
    body: { reason: "surplus_stock" },
  });
  if (!answered.data) return "no answer";
  const offerId: string | undefined = answered.data.offer?.offerId;
  // Every offer shown is one: the list's items and a save's offer are never null.
  const shown: string[] = answered.data.offers.map((o) => o.offerId);
  if (offerId && shown.includes(offerId)) {
    const saved = await api.POST("/v1/cancel-flows/{flowId}/accept", { params: { path: { flowId } }, body: { offerId } });
    if (saved.data) {
      const taken: string = saved.data.offer.title;
      if (taken === "") return "untitled";
      // null for usage advice: typed as such, not as Change.
      const change: components["schemas"]["Change"] | null = saved.data.change;
      return change === null ? "advice" : change.type;
    }
  }
  const confirmed = await api.POST("/v1/cancel-flows/{flowId}/confirm", { params: { path: { flowId } }, body: { acknowledgeFee: true } });
  if (confirmed.error) return confirmed.error.code;
  const info = await api.GET("/v1/subscriptions/{subscriptionId}/cancellation-info", { params: { path: { subscriptionId: "S-900001" } } });
  const fee = info.data?.commitment?.earlyCancellationFee;
  const amount: number | undefined = fee === null ? 0 : fee?.amount;
  const risk = await api.GET("/v1/customers/{customerId}/risk", { params: { path: { customerId: "C-900001" } } });
  const highest: number | undefined = risk.data?.highest === null ? undefined : risk.data?.highest.probability;
  return \`\${version} \${ifMatch} \${nextDelivery} \${confirmed.data.outcome} \${amount} \${highest}\`;
}
`;

describe("a client generated with openapi-typescript's defaults", () => {
  it("compiles the README's flow (sync, skip, cancel flow) with no casts", async () => {
    const doc = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"));
    const types = astToString(await openapiTS(doc));
    expect(types).not.toMatch(/& unknown/);
    // Inside the project so `openapi-fetch` resolves from its node_modules.
    const dir = new URL("../../node_modules/.cache/typed-client/", import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    writeFileSync(dir + "api.ts", types);
    writeFileSync(dir + "flow.ts", FLOW);
    const program = ts.createProgram([dir + "flow.ts"], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      noUncheckedIndexedAccess: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split("/").pop()}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : "?"} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(errors).toEqual([]);
  }, 120_000);
});

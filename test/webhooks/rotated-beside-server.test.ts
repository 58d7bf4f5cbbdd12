import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateSecretsKey } from "../../src/operations/rotate-key";
import { openWebhookSecret } from "../../src/webhooks/secret";
import { TEST_SECRETS_KEY } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * trial51: `npm run secrets:rotate` run while the server was up re-sealed the stored secrets under
 * the new key; the server, still on the old one, then sealed the next webhook's secret with it —
 * a secret no key in use opens, and one a later rotation refuses. The server now checks its key
 * against the database's secrets before it stores one.
 */
const NEW_KEY = "rotated-beside-the-server-0123456789abcdef";
let h: NodeHarness;
beforeAll(async () => {
  h = await nodeHarness();
});
afterAll(() => h.close());

describe("a webhook secret stored after the database's key was rotated under the running server", () => {
  it("is refused 503 secrets_key_mismatch, nothing stored; the secrets already there still open with the new key", async () => {
    const t = await h.tenant();
    const hook = (id: string) => h.request("PUT", `/v1/webhooks/${id}`, { key: t.key, body: { url: "https://crm.example.jp/hooks", events: ["subscription.changed"] } });
    expect((await hook("crm")).status).toBe(201);
    // What `npm run secrets:rotate` does to the file while this server keeps running on TEST_SECRETS_KEY.
    expect(await rotateSecretsKey(h.db, TEST_SECRETS_KEY, NEW_KEY)).toBe(1);

    const refused = await hook("crm2");
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("secrets_key_mismatch");
    const rotate = await h.request("POST", "/v1/webhooks/crm/rotate-secret", { key: t.key, body: {} });
    expect(rotate.status).toBe(503);
    expect(rotate.body.code).toBe("secrets_key_mismatch");

    const stored = await h.sql("SELECT id, secret FROM webhooks WHERE tenant_id = ? ORDER BY id", [t.id]);
    expect(stored.map((r) => r.id)).toEqual(["crm"]);
    // Every stored secret opens with the key the database now has, so a restart with it loses nothing.
    await expect(openWebhookSecret(NEW_KEY, t.id, "crm", String(stored[0]!.secret))).resolves.toMatch(/^whsec_/);
  });
});

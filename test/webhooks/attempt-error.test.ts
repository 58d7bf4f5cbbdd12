import { createServer as createHttpServer } from "node:http";
import { describe, expect, it } from "vitest";
import { attemptError } from "../../src/webhooks/dispatcher";
import { nodeWebhookFetch } from "../../src/webhooks/node-fetch";
import { refusedLoopbackPort } from "../support/ports";

describe("a failed webhook attempt's log", () => {
  it("says why the request failed, not only undici's 'fetch failed'", async () => {
    const failure = await fetch(`http://127.0.0.1:${await refusedLoopbackPort()}/hooks`).catch((e: unknown) => e);
    expect((failure as Error).message).toBe("fetch failed");
    expect(attemptError(failure)).toMatch(/^fetch failed: ECONNREFUSED/);
  });

  it("names a timeout as one, and never runs over 200 characters", () => {
    expect(attemptError(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toBe("timed out after 10 s");
    expect(attemptError(Object.assign(new Error("fetch failed"), { cause: { code: "E", message: "x".repeat(400) } }))).toHaveLength(200);
    expect(attemptError("not an error")).toBe("request failed");
  });

  it("from Node's sender (undici's request, not fetch), still names the refusal and the timeout", async () => {
    const send = nodeWebhookFetch({ allowLoopback: true });
    const refused = await send(`http://127.0.0.1:${await refusedLoopbackPort()}/hooks`, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(attemptError(refused)).toMatch(/ECONNREFUSED/);
    // A receiver that never answers: the dispatcher's signal ends the attempt, as a timeout.
    const silent = createHttpServer(() => undefined).listen(0, "127.0.0.1");
    await new Promise((r) => silent.once("listening", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const hung = await send(`http://127.0.0.1:${port}/hooks`, { method: "POST", body: "{}", signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
      expect(attemptError(hung)).toBe("timed out after 10 s");
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { TestProject } from "vitest/node";
import { RECEIVER_SECRET } from "./harness";

declare module "vitest" {
  export interface ProvidedContext {
    /** A webhook receiver on loopback, in Node: POST /hook verifies, GET /received lists what came. */
    receiverUrl: string;
  }
}


export default async function setup(project: TestProject) {
  // `headers`: every request header as the receiver got it (names lower-cased), for what a receiver sees.
  const received: { webhookId: string | undefined; verified: unknown; error: string | null; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/received") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        const verified = new Webhook(RECEIVER_SECRET).verify(body, req.headers as Record<string, string>);
        received.push({ webhookId: req.headers["webhook-id"] as string | undefined, verified, error: null, headers: req.headers });
        res.writeHead(204).end();
      } catch (e) {
        received.push({ webhookId: undefined, verified: null, error: String(e), headers: req.headers });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  project.provide("receiverUrl", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((r) => server.close(() => r()));
}

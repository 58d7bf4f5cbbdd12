import { lookup } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import { Agent, fetch as undiciFetch } from "undici";
import { refusedAddress } from "./destination";

/**
 * Node's webhook fetch: resolves the endpoint's name once, refuses the connection if any address
 * it resolves to is not public (webhooks/destination), and connects to the address it checked —
 * undici's `connect.lookup` is the lookup the socket itself uses, so a DNS answer cannot change
 * between check and connection (DNS rebinding). Redirects are the dispatcher's to refuse.
 */
export function nodeWebhookFetch(options: { allowLoopback?: boolean } = {}): typeof fetch {
  const agent = new Agent({
    connect: {
      lookup(hostname: string, opts: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
        lookup(hostname, { ...opts, all: true }, (err, addresses) => {
          if (err) return callback(err, "");
          const list = addresses as LookupAddress[];
          const refused = list.map((a) => refusedAddress(a.address, options)).find((r) => r !== null);
          if (refused || list.length === 0) {
            const e = new Error(`refused to connect to ${hostname}: ${refused ?? "no address"}`) as NodeJS.ErrnoException;
            e.code = "ECONNREFUSED";
            return callback(e, "");
          }
          if (opts.all) callback(null, list);
          else callback(null, list[0]!.address, list[0]!.family);
        });
      },
    },
  });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent })) as unknown as typeof fetch;
}

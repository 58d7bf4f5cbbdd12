import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * A set of operations, declared as the OpenAPI document names them (`PUT /v1/customers/{customerId}`)
 * and asked about a request as Hono matched it (`PUT /v1/customers/:customerId`): the routes whose
 * body is required (platform/request-body), never remembered or claiming their key in the write
 * (platform/idempotency).
 */
export class RouteSet {
  readonly #routes = new Set<string>();

  /** Adds `method path`; the path may name parameters (`{customerId}`). */
  add(method: string, path: string): void {
    this.#routes.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
  }

  /** Whether the operation `c` was routed to is in the set. */
  has(c: Context): boolean {
    return matchedRoutes(c).some((r) => r.method === c.req.method && this.#routes.has(`${r.method} ${r.path}`));
  }
}

import { describe, expect, it } from "vitest";
import { unreadOf } from "../../src/console/karte";

const problem = (status: number, code: string, retryAfterSeconds?: number) => ({ status, body: { status, code, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) } });

describe("a karte part the API could not read just now", () => {
  it("is a 503 database_unavailable or 429 rate_limited, with its Retry-After (at least 1 s)", () => {
    expect(unreadOf(problem(503, "database_unavailable", 30))).toEqual({ unread: "database_unavailable", wait: 30 });
    expect(unreadOf(problem(429, "rate_limited", 60))).toEqual({ unread: "rate_limited", wait: 60 });
    expect(unreadOf(problem(503, "database_unavailable"))).toEqual({ unread: "database_unavailable", wait: 1 });
  });

  it("is not a part truly absent or refused: it shows as it is", () => {
    expect(unreadOf(null)).toBeNull();
    expect(unreadOf({ status: 200, body: { data: [] } })).toBeNull();
    expect(unreadOf(problem(404, "customer_not_found"))).toBeNull();
    expect(unreadOf(problem(422, "validation_failed"))).toBeNull();
    expect(unreadOf(problem(503, "internal_error"))).toBeNull();
  });
});

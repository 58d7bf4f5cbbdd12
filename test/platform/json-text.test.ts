import { describe, expect, it } from "vitest";
import { lentUtf8Join, whenWritten, type Written } from "../../src/platform/json-text";

/** A response's 'finish' in hand: `written` hooks that fire when the test says the body went out. */
function responses() {
  const pending: (() => void)[] = [];
  const written: Written = (done) => void pending.push(done);
  return { written, finish: (i: number) => pending[i]!(), count: () => pending.length };
}

describe("bodies lent until their response is written", () => {
  it("a body is never written over while its response is still going out, however many bodies come after", () => {
    const r = responses();
    const page = (i: number) => `{"page":${i},"text":"${"定期便".repeat(200 + (i % 7))}${"x".repeat(i % 13)}"}`;
    const bodies: { i: number; body: Uint8Array }[] = [];
    for (let i = 0; i < 400; i++) {
      bodies.push({ i, body: lentUtf8Join([page(i)], r.written) });
      // Most responses finish soon after; every fifth one hangs (a slow client) for good.
      if (i >= 3 && (i - 3) % 5 !== 0) r.finish(i - 3);
      if (i % 10 === 9) for (const b of bodies) if (b.i % 5 === 0 || b.i > i - 3) expect(Buffer.from(b.body).toString()).toBe(page(b.i));
    }
    expect(r.count()).toBe(400);
  });

  it("the same bytes as the text, in Japanese and English, one piece or many", () => {
    const r = responses();
    const parts = ['{"data":[', "お帰りなさい", new TextEncoder().encode("、次のお届けから10%オフ"), ',"en":"welcome back"', "]}"];
    const body = lentUtf8Join(parts, r.written);
    expect(Buffer.from(body).toString()).toBe('{"data":[お帰りなさい、次のお届けから10%オフ,"en":"welcome back"]}');
  });

  it("only where the Node adapter says when a response is written", () => {
    expect(whenWritten(undefined)).toBeUndefined();
    expect(whenWritten({ incoming: {} })).toBeUndefined();
    const calls: string[] = [];
    const hook = whenWritten({ outgoing: { once: (event: string) => calls.push(event) } });
    hook?.(() => {});
    expect(calls).toEqual(["finish"]);
  });
});

import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { requestedLanguage } from "../../src/platform/language";

const app = new Hono().get("/", (c) => c.text(requestedLanguage(c) ?? "none"));
const ask = async (header: string) => (await app.request("/", { headers: { "accept-language": header } })).text();

describe("Accept-Language", () => {
  it("answers the language the caller prefers most, not the one named first", async () => {
    expect(await ask("en;q=0.1, ja;q=0.9")).toBe("ja");
    expect(await ask("ja;q=0.5, en")).toBe("en");
  });

  it("never answers a language the caller refused with q=0", async () => {
    expect(await ask("ja;q=0, en")).toBe("en");
    expect(await ask("ja;q=0")).toBe("none");
  });

  it("reads regional tags as their language, skips unsupported ones and keeps the header's order on a tie", async () => {
    expect(await ask("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("ja");
    expect(await ask("fr-FR, en-GB;q=0.8, ja;q=0.8")).toBe("en");
    expect(await ask("en, ja")).toBe("en");
  });

  it("leaves the choice to the caller's own language when the header names neither", async () => {
    expect(await ask("*")).toBe("none");
    expect(await ask("fr, de;q=0.5")).toBe("none");
  });
});

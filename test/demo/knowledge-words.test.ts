import { describe, expect, it } from "vitest";
import { DEMO_KNOWLEDGE } from "../../src/demo/knowledge";

// What an operator reads out from the demo shop's knowledge: the product's words for a skip and a
// pause (the my-page's 「次回のお届けをスキップ」 and 「お届けをお休み」), never お休み for a skip.
describe("the demo knowledge in the product's words", () => {
  it("says a skip leaves out one delivery and calls the pause お休み", () => {
    const entry = DEMO_KNOWLEDGE.find((e) => e.id === "kb-pause-vs-skip")!;
    expect(entry.title.ja).toBe("お休みとスキップの違い");
    expect(entry.body.ja).toMatch(/^スキップは次回の1回分だけお届けを見送り、/);
    expect(entry.body.ja).not.toMatch(/スキップ[^。]*お休み/);
    expect(entry.body.ja).not.toContain("一時休止");
  });
});

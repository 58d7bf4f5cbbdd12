import { describe, expect, it } from "vitest";
import { FOLD_STEPS, foldName, foldNameStepByStep, nameQuery, withoutZeroWidth } from "../../src/platform/name-keys";
import { databaseAt } from "../support/migrations";

describe("a name folded for the operators' search (platform/name-keys)", () => {
  it("katakana, hiragana and half-width kana of a reading agree", () => {
    for (const typed of ["ヤマダ ハナコ", "やまだ はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダ　ハナコ", "やまだ　 はなこ"]) expect(foldName(typed), typed).toBe("やまだ はなこ");
    expect(foldName("ﾊﾟﾝﾀﾞ")).toBe(foldName("パンダ"));
  });

  it("full-width letters and digits and upper case agree with what an IME does not touch", () => {
    expect(foldName("ＳＭＩＴＨ Ｊｏｈｎ")).toBe("smith john");
    expect(foldName("Smith John")).toBe("smith john");
  });

  it("spaces between family and given name (half or full width, several, at either end) and 中黒 are one space", () => {
    expect(foldName("　山田　　花子 ")).toBe("山田 花子");
    expect(foldName("ジョン・スミス")).toBe(foldName("ジョン スミス"));
    expect(foldName("ｼﾞｮﾝ･ｽﾐｽ")).toBe(foldName("ジョン スミス"));
  });

  it("a long vowel however the caller spells it: ー, the vowel again, う after お, い after え", () => {
    expect(new Set(["オオタ", "オータ", "おうた", "おおた"].map(foldName))).toEqual(new Set(["おた"]));
    expect(foldName("ユーキ")).toBe(foldName("ゆうき"));
    expect(foldName("ケーコ")).toBe(foldName("けいこ"));
    expect(foldName("ショーコ")).toBe(foldName("しょうこ"));
    expect(foldName("シーナ")).toBe(foldName("しいな"));
  });

  it("small kana as the large ones, and the kana spelt two ways (ヴ/ブ, ヂ/ジ, ヅ/ズ, ヲ/オ)", () => {
    expect(foldName("キャサリン")).toBe(foldName("キヤサリン"));
    expect(foldName("ハットリ")).toBe(foldName("ハツトリ"));
    expect(foldName("チヅル")).toBe(foldName("ちずる"));
    expect(foldName("ヴィヴィアン")).toBe(foldName("ブィブィアン"));
  });

  it("kanji pass unchanged; different names stay different", () => {
    expect(foldName("山田 花子")).toBe("山田 花子");
    expect(foldName("やまだ")).not.toBe(foldName("やまた"));
    expect(foldName("さとう")).not.toBe(foldName("さいとう"));
  });

  it("a name's kanji variants (異体字) as the common form the IME gives first; different names stay different", () => {
    for (const [stored, typed] of [["渡邊 さくら", "渡辺 さくら"], ["渡邉", "渡辺"], ["齋藤 由美子", "斎藤 由美子"], ["齊藤", "斉藤"], ["髙橋 美和", "高橋 美和"], ["山﨑", "山崎"], ["宮嵜", "宮崎"], ["澤田", "沢田"], ["濱田", "浜田"], ["小嶋", "小島"], ["櫻井", "桜井"], ["廣瀬", "広瀬"], ["冨田", "富田"], ["眞理子", "真理子"]]) {
      expect(foldName(stored), stored).toBe(foldName(typed));
    }
    expect(foldName("渡部")).not.toBe(foldName("渡辺"));
    expect(foldName("斉藤")).toBe("斎藤");
  });

  it("nothing to search by: null", () => {
    expect(foldName("　 ")).toBeNull();
    expect(foldName(null)).toBeNull();
    expect(nameQuery("ー")).toBeNull();
  });

  it("skipping the steps that cannot apply changes nothing: the same fold as every step in order, on 5,000 mixed strings", () => {
    // Every character a step replaces or writes, kanji, letters, digits and spaces.
    const alphabet = [...new Set([...FOLD_STEPS.flatMap((step) => (step === "lower" ? [] : [...step[0], ...step[1]])), ..."山田花子髙橋AZaz09 　"])];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      expect(foldName(text), JSON.stringify(text)).toBe(foldNameStepByStep(text));
    }
  });

  it("a query: the whole without spaces, and its parts", () => {
    expect(nameQuery("ヤマダ　ハナコ")).toEqual({ whole: "やまだはなこ", parts: ["やまだ", "はなこ"] });
    expect(nameQuery("山田")).toEqual({ whole: "山田", parts: ["山田"] });
    // The honorific an operator adds out of habit is no part of the name.
    expect(nameQuery("渡邊 さくら様")).toEqual({ whole: "渡辺さくら", parts: ["渡辺", "さくら"] });
    expect(nameQuery("ヤマダ様　")).toEqual({ whole: "やまだ", parts: ["やまだ"] });
  });
});

describe("migration 0049 (the name search's keys)", () => {
  const names = ["山田 花子", "ヤマダ　ハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "オータ ユーキ", "ＳＭＩＴＨ・John", "キャサリン", "佐藤", "  ", "O'Brien ショーン", "髙橋 一郎", "やまだ\tたろう", "ｵｰﾀ", "  鈴木    一郎  ", "しょうこ", "ABC 123", "ヴィヴィアン・リー"];

  it("folds the names stored before it in SQL exactly as foldName does, and keys them: whole, family, given", async () => {
    const db = await databaseAt(46);
    try {
      await db.shop();
      for (const [i, name] of names.entries()) {
        await db.run("INSERT INTO customers (tenant_id, id, name, created_at, updated_at) VALUES ('ten_a', ?, ?, '2026-01-01', '2026-01-01')", [`C${i}`, name]);
      }
      await db.run("INSERT INTO customers (tenant_id, id, name, created_at, updated_at, erased_at) VALUES ('ten_a', 'E1', NULL, '2026-01-01', '2026-01-01', '2026-01-02')");
      await db.upgrade();
      const stored = (await db.client.execute("SELECT id, name, name_key FROM customers WHERE id LIKE 'C%' ORDER BY id")).rows;
      for (const r of stored) expect(r.name_key, String(r.name)).toBe(foldName(String(r.name)));
      const keys = async (id: string) => (await db.client.execute({ sql: "SELECT part, key FROM customer_name_keys WHERE tenant_id = 'ten_a' AND customer_id = ? ORDER BY part", args: [id] })).rows.map((r) => `${r.part}:${r.key}`);
      expect(await keys("C0")).toEqual(["f:山田", "g:花子", "w:山田花子"]);
      expect(await keys("C3")).toEqual(["f:おた", "g:ゆき", "w:おたゆき"]);
      expect(await keys("C6")).toEqual(["w:佐藤"]);
      expect(await keys("C7")).toEqual([]);
      // From then on the triggers keep them: a changed name, an erased customer.
      await db.run("UPDATE customers SET name_key = 'すずき はなこ' WHERE id = 'C0'");
      expect(await keys("C0")).toEqual(["f:すずき", "g:はなこ", "w:すずきはなこ"]);
      await db.run("UPDATE customers SET id = 'erased_x', name = NULL, name_key = NULL, erased_at = '2026-02-01' WHERE id = 'C0'");
      expect(await keys("C0")).toEqual([]);
      expect(await keys("erased_x")).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe("migration 0051 (kanji variants in the keys)", () => {
  it("folds the variants in the keys stored before it, as foldName does now, and the triggers rewrite their search keys", async () => {
    const db = await databaseAt(50);
    try {
      await db.shop();
      const names: [string, string | null][] = [["渡邊 さくら", "ワタナベ サクラ"], ["齋藤 由美子", null], ["髙橋 美和", "タカハシ ミワ"], ["山田 花子", "ヤマダ ハナコ"], ["山﨑 太郎", null]];
      // As the fold before the variants wrote them: these names (kanji, hiragana, one space) as they are, the readings folded (no kanji in them).
      for (const [i, [name, kana]] of names.entries()) {
        await db.run("INSERT INTO customers (tenant_id, id, name, name_kana, name_key, name_kana_key, created_at, updated_at) VALUES ('ten_a', ?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')", [`C${i}`, name, kana, name, foldName(kana)]);
      }
      await db.upgrade();
      const stored = (await db.client.execute("SELECT id, name, name_kana, name_key, name_kana_key FROM customers WHERE id LIKE 'C%' ORDER BY id")).rows;
      for (const r of stored) {
        expect(r.name_key, String(r.name)).toBe(foldName(String(r.name)));
        expect(r.name_kana_key, String(r.name)).toBe(foldName(r.name_kana === null ? null : String(r.name_kana)));
      }
      const keys = async (id: string) => (await db.client.execute({ sql: "SELECT part, key FROM customer_name_keys WHERE tenant_id = 'ten_a' AND customer_id = ? ORDER BY part, key", args: [id] })).rows.map((r) => `${r.part}:${r.key}`);
      expect(await keys("C0")).toEqual(["f:わたなべ", "f:渡辺", "g:さくら", "w:わたなべさくら", "w:渡辺さくら"]);
      expect(await keys("C1")).toEqual(["f:斎藤", "g:由美子", "w:斎藤由美子"]);
      expect(await keys("C3")).toEqual(["f:やまだ", "f:山田", "g:はなこ", "g:花子", "w:やまだはなこ", "w:山田花子"]);
      expect(await keys("C4")).toEqual(["f:山崎", "g:太郎", "w:山崎太郎"]);
    } finally {
      db.close();
    }
  });
});

describe("zero-width characters in a name (withoutZeroWidth)", () => {
  it("are removed where they join nothing, and kept where an emoji or a script needs them", () => {
    expect(withoutZeroWidth("山田\u200B太郎")).toBe("山田太郎");
    expect(withoutZeroWidth("山田\u2060 太郎\uFEFF")).toBe("山田 太郎");
    expect(withoutZeroWidth("ヤマダ\u200Dタロウ")).toBe("ヤマダタロウ");
    expect(withoutZeroWidth("山田\u200C太郎")).toBe("山田太郎");
    expect(withoutZeroWidth("Jo\u200Bhn")).toBe("John");
    // An emoji sequence keeps its joiners; a Persian name its non-joiner.
    expect(withoutZeroWidth("Jane 👩🏽\u200D💻")).toBe("Jane 👩🏽\u200D💻");
    expect(withoutZeroWidth("👨\u200D👩\u200D👧")).toBe("👨\u200D👩\u200D👧");
    expect(withoutZeroWidth("می\u200Cخواهم")).toBe("می\u200Cخواهم");
    expect(withoutZeroWidth(null)).toBeNull();
    // What the operator pastes is read the same way.
    expect(nameQuery("山田\u200B太郎")).toEqual(nameQuery("山田太郎"));
  });
});

describe("migration 0054 (zero-width characters in stored names)", () => {
  it("removes U+200B, U+2060 and U+FEFF from the names, readings and keys stored before it, and the triggers rewrite their search keys", async () => {
    const db = await databaseAt(53);
    try {
      await db.shop();
      const names: [string, string | null][] = [["山田\u200B太郎", "ヤマダ\u2060タロウ"], ["佐藤 花子", "サトウ ハナコ"], ["\u200B鈴木 一郎", null]];
      for (const [i, [name, kana]] of names.entries()) {
        await db.run("INSERT INTO customers (tenant_id, id, name, name_kana, name_key, name_kana_key, created_at, updated_at) VALUES ('ten_a', ?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')", [`C${i}`, name, kana, foldName(name), foldName(kana)]);
      }
      await db.upgrade();
      const stored = (await db.client.execute("SELECT id, name, name_kana, name_key, name_kana_key FROM customers WHERE id LIKE 'C%' ORDER BY id")).rows.map((r) => [r.name, r.name_kana, r.name_key, r.name_kana_key]);
      expect(stored).toEqual([
        ["山田太郎", "ヤマダタロウ", "山田太郎", "やまだたろ"],
        ["佐藤 花子", "サトウ ハナコ", "佐藤 花子", "さと はなこ"],
        ["鈴木 一郎", null, "鈴木 一郎", null],
      ]);
      const keys = async (id: string) => (await db.client.execute({ sql: "SELECT part, key FROM customer_name_keys WHERE tenant_id = 'ten_a' AND customer_id = ? ORDER BY part, key", args: [id] })).rows.map((r) => `${r.part}:${r.key}`);
      expect(await keys("C0")).toEqual(["w:やまだたろ", "w:山田太郎"]);
    } finally {
      db.close();
    }
  });
});

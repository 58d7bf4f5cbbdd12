import { findPhoneNumbersInText, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { displayPhone, findPhoneNumbers, isWithheldCallerId, maskPersonalData, normalizeEmail, normalizePhone, parsePhone, phoneNumberWindows, phoneReading } from "../../src/platform/phone";
import { seededRng } from "../../src/platform/random";

/** Forms people, operators and caller-IDs write (issue #14): national, international, width, carriers, extensions. */
const CORPUS = [
  "090-1234-5678", "09012345678", "０９０－１２３４－５６７８", "０９０１２３４５６７８", "090ー1234ー5678", "(090) 1234 5678",
  "+81 90 1234 5678", "+819012345678", "819012345678", "9012345678", "010 81 90 1234 5678", "0081 90 1234 5678",
  "03-1234-5678", "03（1234）5678", "(03) 1234-5678", "312345678", "06-6123-4567", "045-123-4567", "011-123-4567",
  "0120-123-456", "0120123456", "0800-123-4567", "0570-000-123", "050-1234-5678", "0066-33-812345", "0033-123-456",
  "03-1234-5678 ext. 123", "03-1234-5678 x123", "03-1234-5678#123", "03-1234-5678 内線12",
  "+1 415 555 2671", "010-1-212-555-0123", "+66 33 812345", "+44 20 7946 0958",
  "12", "hello", "電話してね", "0012345678", "00 1 212 555 0123", "",
];

describe("the one phone normaliser", () => {
  it("gives libphonenumber-js's own reading for every form the library accepts", () => {
    let accepted = 0;
    for (const form of CORPUS) {
      const lib = parsePhoneNumberFromString(form.normalize("NFKC").replace(/[ー]/gu, "-").replaceAll("内線", " ext. "), "JP");
      if (!lib?.isValid()) continue;
      accepted++;
      expect(parsePhone(form), form).toEqual({ e164: lib.number, extension: lib.ext ?? null });
    }
    expect(accepted).toBeGreaterThan(25);
  });

  it("reads plain forms (digits after 0, +81 or nothing, with hyphens or spaces) exactly as libphonenumber-js does", () => {
    // The plain forms skip the library's parser (readPlain); random numbers of every such form,
    // valid and not, must read the same. 1,000,000 of these agreed when it was written.
    const rng = seededRng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const prefixes = ["", "0", "+81", "+81 ", "+81-", "0 ", "0-", "81", "810"];
    const starts = ["90", "80", "70", "60", "50", "20", "3", "6", "4", "11", "45", "92", "120", "800", "570", "990", "180", "1", "5", "9"];
    let valid = 0;
    for (let i = 0; i < 10_000; i++) {
      let digits = pick(starts);
      const length = 4 + Math.floor(rng() * 10);
      while (digits.length < length) digits += Math.floor(rng() * 10);
      let body = "";
      for (const d of digits) body += (body && rng() < 0.2 ? pick(["-", " "]) : "") + d;
      const text = pick(prefixes) + body;
      const lib = parsePhoneNumberFromString(text, "JP");
      const want = lib?.isValid() ? { e164: lib.number, extension: lib.ext ?? null } : null;
      if (want) valid++;
      expect(parsePhone(text), text).toEqual(want);
    }
    expect(valid).toBeGreaterThan(500);
  });

  it("reads 00XY carrier and toll-free numbers as Japanese; only 0081 / 010 81 mean +81", () => {
    expect(normalizePhone("0066-33-812345")).toBe("+81006633812345");
    expect(normalizePhone("0081 90 1234 5678")).toBe("+819012345678");
    expect(normalizePhone("0081-3-1234-5678")).toBe("+81312345678");
    expect(normalizePhone("010 81 3 1234 5678")).toBe("+81312345678");
    expect(normalizePhone("00 1 212 555 0123")).toBeNull(); // 00 is not Japan's international prefix
    expect(normalizePhone("6633812345")).toBeNull();
    expect(parsePhone("03-1234-5678 ext. 123")).toEqual({ e164: "+81312345678", extension: "123" });
  });
});

describe("a stored number as people read it", () => {
  it("shows Japanese numbers in the national form, others in the international form, and keeps what it cannot read", () => {
    expect(displayPhone("+819012345678")).toBe("090-1234-5678");
    expect(displayPhone("+81312345678")).toBe("03-1234-5678");
    expect(displayPhone("+81120123456")).toBe("0120-123-456");
    expect(displayPhone("+12125551234")).toBe("+1 212 555 1234");
    expect(displayPhone("03-1234-5678 内線123")).toBe("03-1234-5678 内線123");
    expect(displayPhone("+13105550137 ext. 204", "en")).toBe("+1 310 555 0137 ext. 204"); // an English page says "ext."
    expect(displayPhone("+13105550137 ext. 204")).toBe("+1 310 555 0137 内線204");
    expect(displayPhone("not a number")).toBe("not a number");
  });
});

describe("the one e-mail normaliser", () => {
  it("trims, folds widths and lower-cases the domain before checking; matches on the lower-cased address", () => {
    expect(normalizeEmail("hanako2@example.jp ")).toEqual({ email: "hanako2@example.jp", key: "hanako2@example.jp" });
    expect(normalizeEmail("Ｈａｎａｋｏ＠ＥＸＡＭＰＬＥ．ＪＰ")).toEqual({ email: "Hanako@example.jp", key: "hanako@example.jp" });
    expect(normalizeEmail("not an address")).toBeNull();
    expect(normalizeEmail("a@b")).toBeNull();
  });
});

describe("caller IDs as telephony sends them", () => {
  it("reads a SIP URI's user part whatever its host (a PBX's IP address and port included), a 186 prefix and a keypad's closing # or *", () => {
    for (const form of ["sip:09012345678@10.0.0.1", "sip:+819012345678@10.0.0.1:5060", "sip:+819012345678@192.168.1.10;user=phone", "<sip:09012345678@192.168.0.1>;tag=abc", '"山田" <sips:+819012345678@pbx.example>', "sip:9012345678@pbx.example", "18609012345678", "186-090-1234-5678", "09012345678#", "090-1234-5678*"]) {
      expect(parsePhone(form), form).toEqual({ e164: "+819012345678", extension: null });
    }
    expect(parsePhone("sip:0355556666;ext=34@10.0.0.1")).toEqual({ e164: "+81355556666", extension: "34" });
    expect(parsePhone("0355556666#34")).toEqual({ e164: "+81355556666", extension: "34" });
    // An area code 0186 written without its 0 is not the 186 prefix.
    expect(normalizePhone("186-22-1234")).toBe("+81186221234");
  });

  it("takes 184 (the caller's own 非通知), ナンバー・ディスプレイ reason codes and URIs without a number as withheld, never as a number", () => {
    for (const form of ["18409012345678", "184-03-1234-5678", "P", "O", "C", "S", "sip:unknown@10.0.0.1", "tel:anonymous", "sip:anonymous@anonymous.invalid"]) {
      expect(parsePhone(form), form).toBeNull();
      expect(isWithheldCallerId(form), form).toBe(true);
    }
    for (const form of ["090-1234", "abc", "sip:09012345678@10.0.0.1"]) expect(isWithheldCallerId(form), form).toBe(false);
  });
});

describe("the phone reader on pathological input", () => {
  // A keypad's closing # or * is trimmed from the end; a long run of them not at the end made the
  // old unanchored /[#*]+$/ retry at every #: 20,000 took ≈ 0.3–0.5 s, 100 kB several seconds.
  it("reads 100 kB of keypad keys, SIP text, spaces or digits in linear time", () => {
    const n = 100_000;
    for (const input of ["#".repeat(n) + "x", "0" + "*".repeat(n) + "1", "sip:" + "1".repeat(n), " ".repeat(n), "1-".repeat(n / 2) + "x", "09012345678" + "#".repeat(n)]) {
      const started = performance.now();
      parsePhone(input);
      isWithheldCallerId(input);
      expect(performance.now() - started, input.slice(0, 12)).toBeLessThan(500);
    }
    expect(parsePhone("09012345678" + "#".repeat(1000))).toEqual({ e164: "+819012345678", extension: null });
  });
});

describe("where free text is searched for phone numbers (insights' masking)", () => {
  const found = (text: string, region: "JP" | "US") => findPhoneNumbersInText(text, region).map((f) => [f.startsAt, f.endsAt, f.number.number]);
  const foundByMasking = (text: string, region: "JP" | "US") => findPhoneNumbers(text, region).map((f) => [f.startsAt, f.endsAt, f.number.number]);

  it("gives the finder nothing to try in a comment of digits too few to be a number (1番1番…, which cost it ≈ 20 ms)", () => {
    expect(phoneNumberWindows("1番".repeat(1000))).toEqual([]);
    expect(phoneNumberWindows("2袋残っています。3か月分、12日に届きました")).toEqual([]);
    expect(maskPersonalData("1番".repeat(1000))).toBe("1番".repeat(1000));
  });

  it("still finds a number written in prose, full-width, grouped or with an extension", () => {
    expect(maskPersonalData("電話は090-1234-5678です")).toBe("電話は〔電話番号〕です");
    expect(maskPersonalData("電話は０９０－１２３４－５６７８です")).toBe("電話は〔電話番号〕です");
    expect(maskPersonalData("夜は０３（１２３４）５６７８、昼は03-1234-5678 ext. 123へ")).toBe("夜は〔電話番号〕、昼は〔電話番号〕へ");
    expect(phoneNumberWindows("電話は０９０－１２３４－５６７８です")).toEqual([{ start: 0, end: 18 }]);
  });

  it("finds a number written in kanji numerals (〇, ○ and 零 for zero), as libphonenumber reads the digits they stand for", () => {
    expect(maskPersonalData("電話は〇九〇の一二三四の五六七八です")).toBe("電話は〔電話番号〕です");
    expect(maskPersonalData("携帯 ○九○ー一二三四ー五六七八 まで")).toBe("携帯 〔電話番号〕 まで");
    expect(maskPersonalData("自宅は零三の一二三四の五六七八、携帯は〇八〇・一一一一・二二二二")).toBe("自宅は〔電話番号〕、携帯は〔電話番号〕");
    expect(maskPersonalData("〇九〇一二三四五六七八に")).toBe("〔電話番号〕に");
    expect(phoneReading("〇九〇の一二三四の五六七八")).toBe("090 1234 5678");
  });

  it("finds a number grouped with full-width dashes, ideographic spaces or marks the library does not read (・ 、 _)", () => {
    for (const form of ["０９０ー１２３４ー５６７８", "０９０－１２３４－５６７８", "090　1234　5678", "０９０　１２３４　５６７８", "090・1234・5678", "090、1234、5678", "090_1234_5678", "0 9 0 1 2 3 4 5 6 7 8"]) {
      expect(maskPersonalData(`連絡は${form}です`), form).toBe("連絡は〔電話番号〕です");
    }
  });

  it("leaves numbers in prose that make no phone number, kanji or not", () => {
    for (const kept of ["二か月に一回で十分です", "三箱余っています", "一二か月続けました", "二〇二六年一二月五日に届いた", "一〇〇〇円値上がりした", "一、二、三回目で解約", "12,345,678円も払った", "10〜20個余っている", "第一二三四号"]) {
      expect(maskPersonalData(kept), kept).toBe(kept);
    }
  });

  it("reads a comment of digit textures in linear time, and still finds the numbers listed in one", () => {
    // The finder tried each digit of "1 2 3 4 5 …" as a number: ≈ 10–15 ms a comment (bench/mask-cpu.ts).
    const counting = (separator: string) => Array.from({ length: 600 }, (_, i) => i + 1).join(separator).slice(0, 2000);
    const textures = ["1 2 3 4 5 ".repeat(200), "4 ".repeat(1000), counting(" "), counting("、"), "12 ".repeat(666), "1. ".repeat(666), "1.".repeat(1000), "1 (".repeat(666), "(1)".repeat(666), "1 2 3 4 5 6 7 8 9 0。".repeat(100), "1. 2. 3. 4. 5. 6. 7. 8. 9. 10。".repeat(65)];
    const started = performance.now();
    // (Some 13–19 digits of them pass the Luhn check and are masked as a card's: not a phone's.)
    for (const texture of textures) for (let i = 0; i < 5; i++) expect(maskPersonalData(texture)).not.toContain("〔電話番号〕");
    expect(performance.now() - started).toBeLessThan(150);
    // Numbers in a list or a texture of digits, a token of it each, are found.
    expect(maskPersonalData("090-1234-5678 ".repeat(20))).toBe("〔電話番号〕 ".repeat(20));
    expect(maskPersonalData("090-1234-5678/".repeat(20))).toBe("〔電話番号〕/".repeat(20));
    expect(maskPersonalData(`${"1 2 3 4 5 ".repeat(10)}03-1234-5678 ${"6 7 8 9 ".repeat(10)}`)).toBe(`${"1 2 3 4 5 ".repeat(10)}〔電話番号〕 ${"6 7 8 9 ".repeat(10)}`);
  });

  it("finds exactly the numbers libphonenumber's finder finds in the whole text as read (kanji numerals as digits)", () => {
    const rng = seededRng(11);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const prose = ["電話は", "です。", "1番", "2袋", "、", " ", "(", ")", "-", "〜", "在庫が余っています", "Call me at ", " after 6pm", "0-0-0", "12", "x", "#", "1 2 3", "4 ", "0 9 0", "・", "の", "二か月", "一二三四", "〇九〇", ". ", "/", ".", "1.2.", "3 "];
    const numbers = CORPUS.filter((form) => /\d/.test(form)).concat(["(415) 555-0132", "415-555-0132", "+1 415 555 0132", "〇九〇の一二三四の五六七八", "0 3 1 2 3 4 5 6 7 8"]);
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const text = Array.from({ length: 2 + Math.floor(rng() * 8) }, () => (rng() < 0.4 ? pick(numbers) : pick(prose))).join("").normalize("NFKC");
      for (const region of ["JP", "US"] as const) {
        const whole = found(phoneReading(text), region);
        compared += whole.length;
        expect(foundByMasking(text, region), `${region}: ${text}`).toEqual(whole);
      }
    }
    expect(compared).toBeGreaterThan(450);
  });
});

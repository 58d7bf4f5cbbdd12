/**
 * Thread CPU of masking one comment (platform/phone maskPersonalData), as GET /v1/insights/reasons
 * does for up to 5,000 comments in the read worker every tenant shares on Node:
 * `npx tsx bench/mask-cpu.ts` (MASK_CPU_MS, the time spent per text). Realistic comments (Japanese
 * prose with a phone number, an e-mail, an address, 100–400 characters) beside adversarial ones a
 * customer can send as a cancel flow's comment (2,000 characters: digits and the separators phone
 * numbers, cards and addresses use). Prints ms per comment, the maximum over runs of the median.
 */
import { maskPersonalData } from "../src/platform/phone";

const budget = Number(process.env.MASK_CPU_MS ?? 400);
const prose = "配送の頻度が多すぎて冷蔵庫に入りきらず、毎回余ってしまうので解約を考えています。";
/** "1、2、3、…" (or with spaces) counted on until 2,000 characters. */
const counting = (separator: string) => Array.from({ length: 600 }, (_, i) => i + 1).join(separator).slice(0, 2000);
const texts: [string, string][] = [
  ["prose, phone + e-mail (≈120 ch)", `${prose}連絡は090-1234-5678かhanako.yamada@example.jpまでお願いします。山田です。`],
  ["prose, address + postal (≈150 ch)", `${prose}引っ越しました。新住所は〒150-0001 東京都渋谷区神宮前一丁目2番3号 ハイツ101です。鈴木様によろしく。`],
  ["prose, full-width phone (≈400 ch)", `${prose.repeat(4)}電話は０３－１２３４－５６７８（内線１２３）です。${prose.repeat(3)}`],
  ["prose, no personal data (≈400 ch)", prose.repeat(10)],
  ['"1番"×1000', "1番".repeat(1000)],
  ["2,000 digits", "1234567890".repeat(200)],
  ["digits, hyphen-grouped ×2000", "090-1234-5678 ".repeat(143)],
  ['"0-"×1000', "0-".repeat(1000)],
  ["full-width ０×2000", "０".repeat(2000)],
  ["full-width １－×1000", "１－".repeat(1000)],
  ["mixed 1 2-3番地の", "1 2-3番地の".repeat(250)],
  ['"市1-"×500', "市1-".repeat(500)],
  ["kanji+番 (東1番)", "東京都渋谷区1番".repeat(250)],
  ["names: 山田さん×", "山田さん".repeat(500)],
  ["names: 山田 太郎 ×", "山田 太郎 ".repeat(333)],
  ["katakana run", "ア".repeat(2000)],
  ["e-mail-ish a.a.a", "a.".repeat(1000)],
  ["e-mail-ish a@a.a", "a@a.".repeat(500)],
  ["+ digits", "+1 ".repeat(666)],
  ["card-ish 4 4 4", "4 ".repeat(1000)],
  ['"1 2 3 4 5 "×200', "1 2 3 4 5 ".repeat(200)],
  ["counting 1、2、3、… to 2,000 ch", counting("、")],
  ["counting 1 2 3 … to 2,000 ch", counting(" ")],
  ['"12 "×666', "12 ".repeat(666)],
  ['"1. "×666', "1. ".repeat(666)],
  ['"1."×1000', "1.".repeat(1000)],
  ['"1 ("×666', "1 (".repeat(666)],
  ['"(1)"×666', "(1)".repeat(666)],
  ['"1/"×1000', "1/".repeat(1000)],
  ['"1 2 3 4 5 6 7 8 9 0。"×100', "1 2 3 4 5 6 7 8 9 0。".repeat(100)],
  ['"1. 2. 3. … 10。"×65', "1. 2. 3. 4. 5. 6. 7. 8. 9. 10。".repeat(65)],
  ["kanji 一 二 三 ×", "一 二 三 ".repeat(333)],
  ["kanji 〇九〇の一二三四の五六七八 ×", "〇九〇の一二三四の五六七八、".repeat(143)],
  ["@handles @abcd ×", "@abcd ".repeat(333)],
  ["LINE ID: labels ×", "LINE ID: ".repeat(222)],
  ["blank lines", "\n".repeat(2000)],
  ["spaces", " ".repeat(2000)],
];

for (const [label, text] of texts) {
  maskPersonalData(text); // warm up
  const samples: number[] = [];
  const until = performance.now() + budget;
  do {
    const cpu = process.cpuUsage();
    maskPersonalData(text);
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / 1000);
  } while (performance.now() < until && samples.length < 200);
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  console.log(`${label.padEnd(36)} ${String(text.length).padStart(5)} ch  ${median.toFixed(3).padStart(9)} ms  (${samples.length} runs)`);
}

/**
 * A tiny element builder: real elements, text set as text (never innerHTML, so API copy cannot
 * inject markup and pages with Trusted Types enforced need no policy).
 */
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;
type Child = Node | string | number | null | undefined | false | Child[];

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name in el && !name.includes("-") && name !== "list" && name !== "part") (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Kana or kanji: text the shop wrote in Japanese. */
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}ー々]/u;

/**
 * The `lang` attribute for the shop's own text (product names, offer copy, rules, receipts) on a
 * page in `pageLang`: "ja" when the page is not Japanese and the text is written in Japanese, so a
 * screen reader reads 「DHA・EPAサプリ」 with a Japanese voice instead of spelling it in English;
 * undefined (no attribute, `h` skips it) otherwise.
 */
export function langFor(text: string | null | undefined, pageLang: string): "ja" | undefined {
  return pageLang !== "ja" && text && JAPANESE.test(text) ? "ja" : undefined;
}

/**
 * Response bodies put together in JavaScript as UTF-8 bytes — the one place for it (the at-risk
 * and win-back pages). A string body would be measured (`Buffer.byteLength`) and transcoded again
 * by the socket write; bytes go out as they are.
 *
 * Bodies are cut from a shared slab, as Node pools small Buffers: one 256 KiB allocation per
 * ≈ 10–20 pages rather than one 12–30 kB ArrayBuffer per page (each with its own backing store,
 * ≈ 5–20 µs and external memory the GC accounts for). Cuts never overlap, and a slab is freed when
 * no body cut from it is still referenced, so a body the server still holds is never written over.
 */
const SLAB_BYTES = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(0);
let slabUsed = 0;

/** `n` bytes for a new body: a cut of the current slab (a body over an eighth of it gets its own). */
function freshBody(n: number): Buffer {
  if (n > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(n);
  if (slabUsed + n > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const body = slab.subarray(slabUsed, slabUsed + n);
  slabUsed = (slabUsed + n + 7) & ~7;
  return body;
}

let scratch = Buffer.allocUnsafeSlow(256 * 1024);

/**
 * Strings (written as UTF-8) and byte arrays, one after the other, as one body: a response put
 * together from text and remembered bytes (the win-back list splices its comebacks so).
 * Each string is transcoded once, in place (`Buffer#write` at an offset): a win-back page of
 * 20 rows (≈ 100 parts, 27 kB) 10–16 → 5 µs against `encodeInto`, whose view per part cost more
 * than the copying (Node 24).
 */
export function utf8Join(parts: readonly (string | Uint8Array)[], body: (n: number) => Buffer = freshBody): Uint8Array<ArrayBuffer> {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  let most = 0;
  for (const p of parts) most += typeof p === "string" ? p.length * 3 : p.length;
  if (most > scratch.length) scratch = Buffer.allocUnsafeSlow(most);
  let at = 0;
  for (const p of parts) {
    if (typeof p === "string") at += scratch.write(p, at);
    else {
      scratch.set(p, at);
      at += p.length;
    }
  }
  const out = body(at);
  out.set(scratch.subarray(0, at));
  return out as Uint8Array<ArrayBuffer>;
}

/**
 * Calls `done` once the response has been written (Node: @hono/node-server hands the app its
 * `ServerResponse` as `env.outgoing`; its 'finish' comes after the last write's callback, when the
 * socket no longer reads the body). Undefined where nothing says so (Workers, `app.request`).
 */
export type Written = (done: () => void) => void;
export function whenWritten(env: unknown): Written | undefined {
  const outgoing = (env as { outgoing?: { once?: unknown } } | undefined)?.outgoing;
  if (!outgoing || typeof outgoing.once !== "function") return undefined;
  return (done) => (outgoing as { once(event: "finish", f: () => void): void }).once("finish", done);
}

/**
 * Slabs lent out for bodies written once and forgotten (a page read for the first time), taken
 * back when every body cut from one has been written. A fresh body per first read was ≈ 29 kB of
 * new ArrayBuffer, which V8 counts as external memory (a mark-compact every ≈ 2,200 pages), and
 * a string body costs its UTF-8 encoding twice (the adapter's length, then the socket write:
 * ≈ 30 µs for a page of Japanese copy). A slab is reused only once no body cut from it is still
 * unwritten; a body whose response never finishes (the client went away) keeps its slab out of
 * the pool for good, and the GC frees it with the body.
 */
type LentSlab = { buf: Buffer; used: number; out: number };
const idleSlabs: LentSlab[] = [];
let lending: LentSlab | null = null;

function giveBack(s: LentSlab) {
  s.used = 0;
  if (idleSlabs.length < 8) idleSlabs.push(s);
}

function lentBody(n: number, written: Written): Buffer {
  if (n > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(n);
  let s = lending;
  if (!s || s.used + n > s.buf.length) {
    if (s && s.out === 0) giveBack(s);
    s = lending = idleSlabs.pop() ?? { buf: Buffer.allocUnsafeSlow(SLAB_BYTES), used: 0, out: 0 };
  }
  const slab = s;
  const body = slab.buf.subarray(slab.used, slab.used + n);
  slab.used = (slab.used + n + 7) & ~7;
  slab.out++;
  written(() => {
    // The current slab keeps filling; one already left behind goes back when its last body is written.
    if (--slab.out === 0 && slab !== lending) giveBack(slab);
  });
  return body;
}

/** As `utf8Join`, into a body lent until `written` says the response is out (see `lentBody`): never remember it. */
export function lentUtf8Join(parts: readonly (string | Uint8Array)[], written: Written): Uint8Array<ArrayBuffer> {
  return utf8Join(parts, (n) => lentBody(n, written));
}

/** JSON text as the UTF-8 bytes of a response body (see `utf8Join`). */
export function utf8Bytes(text: string): Uint8Array<ArrayBuffer> {
  return utf8Join([text]);
}

/**
 * "Byte text": a string whose every character is one byte of UTF-8 (Latin-1 code units). Pieces of
 * it join into a one-byte string that becomes the body in one Latin-1 copy (`byteTextBody`), where
 * a page holding Japanese text as an ordinary two-byte string cost 25–60 µs to encode as UTF-8
 * against ≈ 1 µs for the copy (the at-risk page, bench/HISTORY.md, branch atrisk6). Text that is all
 * ASCII is already byte text.
 */
export const asByteText = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
/** The text a byte text holds. */
export const fromByteText = (bytes: string): string => Buffer.from(bytes, "latin1").toString("utf8");
/** True when `text` is all ASCII (its UTF-8 bytes are its characters: already byte text). */
export const isAscii = (text: string): boolean => Buffer.byteLength(text, "utf8") === text.length;

/** A byte text as the response body it spells. */
export function byteTextBody(byteText: string): Uint8Array<ArrayBuffer> {
  const body = freshBody(byteText.length);
  body.write(byteText, 0, byteText.length, "latin1");
  return body as Uint8Array<ArrayBuffer>;
}

/**
 * Page bodies remembered by the statement text each was built from, per slot (what a page asks
 * for: language, limit, filter, cursor…). A list's page is a function of its statement's text and
 * its slot alone, so a page read again whose statement returned the same text is the same bytes:
 * the body is handed out again (bodies are never written after they are made, see `freshBody`)
 * instead of being split, labelled and joined again. The statement still runs on every read, so a
 * changed row is never missed: it changes the text. A slot may also be remembered with no body
 * (null: read once, see the win-back list): then only the text's length is kept, not the text. A
 * first read's text held until the map empties outlived the young generation's scavenges: pages
 * read in turn spent ≈ 40 µs a read more in GC (copying and promoting ≈ 5 MB a scavenge); the
 * length only says "probably read once already", which decides nothing but whether the next read
 * builds bytes to keep (the same answer either way). Bounded: emptied when full (`kept` pages; a
 * body pins at most its slab).
 */
export class RememberedPages {
  private readonly pages = new Map<string, { doc: string; body: Uint8Array<ArrayBuffer> } | { length: number; body: null }>();
  /** Reads answered with a remembered body, and reads that had to build one: the benches say which they measured. */
  readonly reads = { remembered: 0, built: 0 };
  constructor(private readonly kept: number) {}

  /**
   * The body built for `slot` from this same `doc` if it is still remembered; null if the slot was
   * read before with no body kept and a text of `doc`'s length (probably this one: see the class).
   */
  get(slot: string, doc: string): Uint8Array<ArrayBuffer> | null | undefined {
    const seen = this.pages.get(slot);
    if (seen !== undefined && seen.body !== null && seen.doc === doc) {
      this.reads.remembered++;
      return seen.body;
    }
    this.reads.built++;
    return seen !== undefined && seen.body === null && seen.length === doc.length ? null : undefined;
  }

  /** Remembers `body` as `slot`'s page built from `doc` (or, null, that the slot was read with a text of `doc`'s length); answers it. */
  set<B extends Uint8Array<ArrayBuffer> | null>(slot: string, doc: string, body: B): B {
    if (this.pages.size >= this.kept) this.pages.clear();
    this.pages.set(slot, body === null ? { length: doc.length, body: null } : { doc, body: body as Uint8Array<ArrayBuffer> });
    return body;
  }
}

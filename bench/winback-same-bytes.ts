/**
 * The win-back candidates list's answers, hashed, to show two trees answer byte for byte the same:
 * `cd TREE && npx tsx /path/to/bench/winback-same-bytes.ts` in each (the tree's own app, from its
 * working directory, on its data/bench-1000000.db), then compare the printed digests. Pages of the
 * list in Japanese, English and the shop's locale (no Accept-Language), at limit 50 and 20
 * (SAME_BYTES_PAGES each, default 40, walked by nextCursor), each page read three times over a
 * socket (a first read, a second, a remembered one); status, content type, length, language and
 * body go into the digest. Then every page again, 24 at a time, each body checked against its
 * sequential read (bodies lent until written must not be written over). Run both trees on the same
 * tenant-local day: the list's offers depend on it.
 */
import { createHash } from "node:crypto";
import { Agent, request } from "node:http";

const root = process.cwd();
const { createApp } = await import(`${root}/src/app.ts`);
const { rateLimitConfigFromEnv } = await import(`${root}/src/platform/rate-limit.ts`);
const { openBigTenant, listen, BIG_API_KEY } = await import(`${root}/bench/big-tenant.ts`);
const big = await openBigTenant("data/bench-1000000.db", 1_000_000);
const api = createApp(() => ({ db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345", rateLimits: rateLimitConfigFromEnv({ RATE_LIMIT_STANDARD: "1000000000" }) }));
const server = await listen(api.fetch);
const agent = new Agent({ keepAlive: true, maxSockets: 24 });
type Answer = { status: number; type: string; length: string; language: string; body: Buffer };
const get = (path: string, lang: string | null) =>
  new Promise<Answer>((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${BIG_API_KEY}`, ...(lang ? { "accept-language": lang } : {}) };
    const req = request(`${server.url}${path}`, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () =>
        resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), length: String(res.headers["content-length"]), language: String(res.headers["content-language"]), body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });

const PAGES = Number(process.env.SAME_BYTES_PAGES ?? 40);
const digest = createHash("sha256");
let reads = 0;
let bytes = 0;
const seen: { path: string; lang: string | null; body: Buffer }[] = [];
for (const lang of ["ja", "en", null]) {
  for (const limit of [50, 20]) {
    let path: string | null = `/v1/winback/candidates?limit=${limit}`;
    for (let i = 0; i < PAGES && path; i++) {
      const three: Answer[] = [await get(path, lang), await get(path, lang), await get(path, lang)];
      for (const a of three) {
        if (!a.body.equals(three[0]!.body)) throw new Error(`${path} (${lang}): a re-read differs`);
        digest.update(`${a.status} ${a.type} ${a.length} ${a.language}\n`).update(a.body);
        reads++;
        bytes += a.body.length;
      }
      seen.push({ path, lang, body: three[0]!.body });
      const next: string | null = (JSON.parse(three[0]!.body.toString()) as { nextCursor: string | null }).nextCursor;
      path = next ? `/v1/winback/candidates?limit=${limit}&cursor=${next}` : null;
    }
  }
}
console.log(`${reads} reads, ${bytes.toLocaleString("en-US")} bytes, sha256 ${digest.digest("hex")}`);
// 24 at a time: each body the same as its sequential read.
let differ = 0;
let next = 0;
await Promise.all(
  Array.from({ length: 24 }, async () => {
    while (next < seen.length * 3) {
      const s = seen[next++ % seen.length]!;
      if (!(await get(s.path, s.lang)).body.equals(s.body)) differ++;
    }
  }),
);
console.log(`${seen.length * 3} reads 24 at a time: ${differ} differ from their sequential read`);
await new Promise((r) => server.server.close(r));
agent.destroy();
big.db.client.close();

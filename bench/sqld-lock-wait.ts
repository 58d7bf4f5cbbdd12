/**
 * Write transactions against sqld (the libSQL server Turso runs) from separate web clients, as
 * Workers requests make them (worker.ts: a client per request): N transactions, CONC at a time, each
 * reading a row, holding the lock HOLD ms, then updating it. Prints how many committed and each kind of
 * error with when it came. HOLD=7000 CONC=3 N=3 shows sqld taking the lock back from a transaction
 * that held it ~5 s while others waited (TRANSACTION_TIMEOUT on its next statement: db/client `busy`).
 *
 *   N=200 CONC=32 HOLD=0 npx tsx bench/sqld-lock-wait.ts
 */
import { createClient } from "@libsql/client/web";
import { startSqld } from "../scripts/sqld";

const sqld = await startSqld();
try {
  const setup = createClient({ url: sqld.url });
  await setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  for (let i = 0; i < 50; i++) await setup.execute({ sql: "INSERT INTO t (id, n) VALUES (?, 0)", args: [i] });
  const errors = new Map<string, number>();
  let ok = 0;
  const started = Date.now();
  const one = async (i: number) => {
    const client = createClient({ url: sqld.url });
    const t0 = Date.now();
    try {
      const tx = await client.transaction("write");
      try {
        await tx.execute({ sql: "SELECT n FROM t WHERE id = ?", args: [i % 50] });
        await new Promise((r) => setTimeout(r, Number(process.env.HOLD ?? 5)));
        await tx.execute({ sql: "UPDATE t SET n = n + 1 WHERE id = ?", args: [i % 50] });
        await tx.commit();
        ok++;
      } finally {
        tx.close();
      }
    } catch (e) {
      const err = e as { code?: string; message?: string; name?: string };
      const key = `${err.name} ${err.code} ${String(err.message).slice(0, 120)} (after ${Math.round((Date.now() - t0) / 1000)} s)`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  };
  const N = Number(process.env.N ?? 64), CONC = Number(process.env.CONC ?? 32);
  let next = 0;
  await Promise.all(Array.from({ length: CONC }, async () => { while (next < N) await one(next++); }));
  console.log(`ok ${ok} of ${N} in ${Date.now() - started} ms`);
  for (const [k, v] of errors) console.log(v, k);
} finally {
  sqld.stop();
}

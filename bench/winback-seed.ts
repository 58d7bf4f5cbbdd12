/**
 * The big tenant's win-back records (bench/big-tenant.ts), seeded once and kept in the file: the
 * win-back benches' shared seed (bench/winback.ts describes it).
 */
import type { Database } from "../src/db/client";
import { BIG_TENANT_ID } from "./big-tenant";

/** The features a cancellation would have recorded (winback/model `WinbackFeatures`), from the subscription, as SQL. */
const BENCH_FEATURES = `json_object('reason', 'too_expensive', 'returnOn', NULL, 'acquisitionSource', NULL, 'complaints', 0, 'complaintsResolved', 0,
  'deliveriesCompleted', s.deliveries_completed, 'pastSpendYen', s.deliveries_completed * s.unit_price_amount * s.quantity, 'currency', s.currency,
  'startMonth', CAST(substr(s.started_at, 6, 2) AS INTEGER), 'canceledOn', substr(s.canceled_at, 1, 10), 'namedComeback', json('false'))`;

export async function prepareWinbacks(db: Database) {
  const have = await db.client.execute({ sql: "SELECT count(*) AS n FROM winbacks WHERE tenant_id = ?", args: [BIG_TENANT_ID] });
  if (Number(have.rows[0]!.n) > 0) {
    // Files seeded before the maintenance job re-scored listed records daily hold '{}': given the features now.
    const filled = await db.client.execute({
      sql: `UPDATE winbacks SET features = (SELECT ${BENCH_FEATURES} FROM subscriptions s WHERE s.tenant_id = winbacks.tenant_id AND s.id = winbacks.subscription_id)
            WHERE tenant_id = ? AND features = '{}'`,
      args: [BIG_TENANT_ID],
    });
    if (filled.rowsAffected > 0) console.log(`win-back records given their features: ${filled.rowsAffected.toLocaleString("en-US")}`);
    return Number(have.rows[0]!.n);
  }
  const t0 = Date.now();
  const tx = await db.client.transaction("write");
  // Deterministic spread from the rowid: probability 0–30 %, a tenth held out.
  await tx.execute({
    sql: `INSERT INTO winbacks (tenant_id, id, subscription_id, customer_id, reason, canceled_at, canceled_on, effective_on, due_on, due_status,
            holdout, contactable, features, probability, expected_value, annual_value, currency, drivers, model_version, scored_on)
          SELECT tenant_id, 'wb_' || id, id, customer_id, 'too_expensive', canceled_at, substr(canceled_at, 1, 10), substr(canceled_at, 1, 10),
            date(canceled_at, '+60 days'), 'pending', (rowid % 10) = 9, 1, (SELECT ${BENCH_FEATURES} FROM subscriptions s WHERE s.tenant_id = subscriptions.tenant_id AND s.id = subscriptions.id),
            ((rowid * 2654435761) % 3000) / 10000.0,
            CAST(((rowid * 2654435761) % 3000) / 10000.0 * unit_price_amount * quantity * 365 / interval_days AS INTEGER),
            CAST(unit_price_amount * quantity * 365 / interval_days AS INTEGER), currency, '[]', 'bench', substr(canceled_at, 1, 10)
          FROM subscriptions WHERE tenant_id = ? AND status = 'canceled'`,
    args: [BIG_TENANT_ID],
  });
  await tx.execute({
    sql: `UPDATE customers SET keep_in_touch = 0 WHERE tenant_id = ? AND id IN (SELECT customer_id FROM winbacks WHERE tenant_id = ? AND (abs(rowid * 40503) % 10) < 4)`,
    args: [BIG_TENANT_ID, BIG_TENANT_ID],
  });
  await tx.execute({
    sql: `UPDATE winbacks SET contactable = 0 WHERE tenant_id = ? AND customer_id IN (SELECT id FROM customers WHERE tenant_id = ? AND keep_in_touch = 0)`,
    args: [BIG_TENANT_ID, BIG_TENANT_ID],
  });
  await tx.commit();
  await db.client.execute("ANALYZE winbacks");
  const n = await db.client.execute({ sql: "SELECT count(*) AS n FROM winbacks WHERE tenant_id = ?", args: [BIG_TENANT_ID] });
  console.log(`win-back records: ${Number(n.rows[0]!.n).toLocaleString("en-US")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return Number(n.rows[0]!.n);
}


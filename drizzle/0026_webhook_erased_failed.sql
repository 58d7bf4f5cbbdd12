-- A customer.erased delivery that finally failed keeps the merchant's customer id for 30 days (so
-- the merchant can fix their endpoint and retry), then the retention sweep drops it
-- (data-rights/retention `forgetAbandonedErasures`). This partial index holds only those that
-- still name an id, so the sweep's read never walks the other failed deliveries.
CREATE INDEX `webhook_deliveries_erased_failed` ON `webhook_deliveries` (`next_attempt_at`) WHERE event_type = 'customer.erased' AND status = 'failed' AND json_extract(payload, '$.data.customerId') IS NOT NULL;
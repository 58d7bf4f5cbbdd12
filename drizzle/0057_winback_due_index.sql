-- `GET /v1/winback/candidates?due=now` walks this index best first and keeps the rows whose
-- `due_on` has come: with the date in the index the walk tests it from the entry, instead of
-- reading each listed row's table entry (~5 kB with overflow pages) — every listed row per page
-- when few are due (1,000,000-subscription bench tenant, 42,719 listed, none due: 216–671 ms a
-- page before, 16–50 ms after; bench/winback-due.ts). Otherwise the index as migration 0031 left it.
DROP INDEX `winbacks_listable`;--> statement-breakpoint
CREATE INDEX `winbacks_listable` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`,`contactable`,`holdout`,`reactivated_at`,`plan_canceled`,`listed_record`,`flow_id`,`due_status`,`due_on`) WHERE contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped');
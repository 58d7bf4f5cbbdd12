-- The candidates list leaves out cancellations a sync or an import recorded that will never be
-- contacted: older than the contact horizon when recorded (winback/service `syncedDue`: stored
-- `skipped`, never due) or passed over when they fell due — no cancel flow, `skipped`. A merchant
-- importing three years of history saw them all as candidates. They stay in the figures
-- (`winbacks_metrics`). The two columns are in the index so the walk stays covering.
DROP INDEX `winbacks_listable`;--> statement-breakpoint
CREATE INDEX `winbacks_listable` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`,`contactable`,`holdout`,`reactivated_at`,`plan_canceled`,`listed_record`,`flow_id`,`due_status`) WHERE contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped');
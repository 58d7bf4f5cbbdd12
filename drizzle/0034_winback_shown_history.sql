-- The daily re-render of comebacks (winback/decide renderStaleOf) skips old synced history that will
-- never be contacted, as the candidates list does (migration 0031): a merchant importing three years
-- of history had every such record rendered again each day.
DROP INDEX `winbacks_shown`;--> statement-breakpoint
CREATE INDEX `winbacks_shown` ON `winbacks` (`tenant_id`,`comeback_restart_on`) WHERE contactable = 1 AND holdout = 0 AND reactivated_at IS NULL AND (flow_id IS NOT NULL OR due_status <> 'skipped');
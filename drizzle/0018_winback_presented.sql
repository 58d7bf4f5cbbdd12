ALTER TABLE `winbacks` ADD `comeback_ja` text;--> statement-breakpoint
ALTER TABLE `winbacks` ADD `comeback_en` text;--> statement-breakpoint
-- Backfill: none in SQL (no row is rewritten). The shown comeback is rendered by TypeScript
-- (presentComeback), so existing rows start "not rendered" (comeback_restart_on '', the default)
-- and the maintenance job (winback/decide renderStaleComebacks) renders them a chunk per run;
-- until then the list answers those pages the long way (the same answer).
ALTER TABLE `winbacks` ADD `comeback_restart_on` text DEFAULT '';--> statement-breakpoint
CREATE INDEX `winbacks_shown` ON `winbacks` (`tenant_id`,`comeback_restart_on`) WHERE contactable = 1 AND holdout = 0 AND reactivated_at IS NULL;
ALTER TABLE `winbacks` ADD `comeback` text;--> statement-breakpoint
-- Backfill: none in SQL. A comeback offer is the offer engine's decision (TypeScript), so existing
-- rows start undecided (comeback_stamp '') and the maintenance job (winback/decide
-- decideStaleComebacks) decides them a chunk per run; until then the list computes them on read.
ALTER TABLE `winbacks` ADD `comeback_stamp` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `winbacks_comeback` ON `winbacks` (`tenant_id`,`comeback_stamp`) WHERE reactivated_at IS NULL;

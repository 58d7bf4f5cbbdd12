ALTER TABLE `webhook_deliveries` ADD `attempt_log` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret_expires_at` text;--> statement-breakpoint
-- Backfill: deliveries made before the log existed start with an empty one (their attempt count
-- and last error stay in `attempts` and `last_error`; their times were never kept).
UPDATE `webhook_deliveries` SET `attempt_log` = '[]' WHERE `attempt_log` IS NULL;

CREATE TABLE `customer_sessions` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`customer_id` text NOT NULL,
	`subscription_id` text,
	`locale` text,
	`key_id` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_sessions_expiry` ON `customer_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `cancel_flow_steps` ADD `actor` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `postal_code` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `address` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `address_key` text;--> statement-breakpoint
CREATE INDEX `customers_postal` ON `customers` (`tenant_id`,`postal_code`,`address_key`);--> statement-breakpoint
ALTER TABLE `plan_changes` ADD `actor` text;--> statement-breakpoint
-- Backfill: who made each earlier change. Before actors, a change carried the API key's id, or
-- none when Tsuzuku made it itself (a pause that ended): that is the system's maintenance job.
UPDATE `plan_changes` SET `actor` = CASE WHEN `key_id` IS NOT NULL THEN json_object('type', 'key', 'id', `key_id`) ELSE json_object('type', 'system', 'id', 'maintenance') END WHERE `actor` IS NULL;--> statement-breakpoint
-- Flow steps the system took (expiry) are known; other earlier steps did not record who took them and stay null.
UPDATE `cancel_flow_steps` SET `actor` = json_object('type', 'system', 'id', 'maintenance') WHERE `actor` IS NULL AND `type` = 'expired' AND `channel` = 'system';

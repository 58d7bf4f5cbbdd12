CREATE TABLE `audit_log` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`at` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text,
	`action` text NOT NULL,
	`target_type` text,
	`target_id` text,
	`details` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`tenant_id`,`at`,`id`);--> statement-breakpoint
ALTER TABLE `customers` ADD `erased_at` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `phone_fingerprint` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `email_fingerprint` text;--> statement-breakpoint
CREATE INDEX `customers_phone_fingerprint` ON `customers` (`tenant_id`,`phone_fingerprint`) WHERE phone_fingerprint IS NOT NULL;--> statement-breakpoint
CREATE INDEX `customers_email_fingerprint` ON `customers` (`tenant_id`,`email_fingerprint`) WHERE email_fingerprint IS NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `plan` text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
-- The audit log is append-only: no statement may change or remove an entry, whatever code runs it.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

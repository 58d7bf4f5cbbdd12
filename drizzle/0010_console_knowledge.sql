CREATE TABLE `console_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`operator_id` text NOT NULL,
	`operator_name` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text,
	`login_hash` text NOT NULL,
	`login_used_at` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `console_sessions_token` ON `console_sessions` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `console_sessions_login` ON `console_sessions` (`login_hash`);--> statement-breakpoint
CREATE TABLE `knowledge_entries` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`category` text,
	`topic` text NOT NULL,
	`reasons` text NOT NULL,
	`uses` integer DEFAULT 0 NOT NULL,
	`last_used_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `knowledge_entries_uses` ON `knowledge_entries` (`tenant_id`,`uses`);
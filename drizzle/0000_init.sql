CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`secret_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant` ON `api_keys` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`email` text,
	`email_normalized` text,
	`phone` text,
	`locale` text,
	`marketing_consent` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customers_phone` ON `customers` (`tenant_id`,`phone`);--> statement-breakpoint
CREATE INDEX `customers_email` ON `customers` (`tenant_id`,`email_normalized`);--> statement-breakpoint
CREATE TABLE `events` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`customer_id` text NOT NULL,
	`subscription_id` text,
	`occurred_at` text NOT NULL,
	`data` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_subscription` ON `events` (`tenant_id`,`subscription_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_customer` ON `events` (`tenant_id`,`customer_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`response_headers` text,
	`created_at` text NOT NULL,
	`locked_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `key`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`customer_id` text NOT NULL,
	`product_sku` text NOT NULL,
	`product_name` text NOT NULL,
	`product_category` text,
	`quantity` integer NOT NULL,
	`interval_days` integer NOT NULL,
	`next_delivery_on` text,
	`unit_price_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`started_at` text NOT NULL,
	`deliveries_completed` integer DEFAULT 0 NOT NULL,
	`commitment_min_deliveries` integer,
	`commitment_fee_amount` integer,
	`commitment_fee_currency` text,
	`paused_until` text,
	`active_discount` text,
	`canceled_at` text,
	`cancellation` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_customer` ON `subscriptions` (`tenant_id`,`customer_id`,`id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL
);

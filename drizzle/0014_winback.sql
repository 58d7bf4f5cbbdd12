CREATE TABLE `contact_consents` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`customer_id` text NOT NULL,
	`granted` integer NOT NULL,
	`wording` text,
	`language` text,
	`source` text NOT NULL,
	`flow_id` text,
	`at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_consents_customer` ON `contact_consents` (`tenant_id`,`customer_id`,`at`);--> statement-breakpoint
CREATE TABLE `exit_surveys` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`questions` text NOT NULL,
	`keep_in_touch_wording` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `winback_models` (
	`tenant_id` text NOT NULL,
	`version` text NOT NULL,
	`model` text NOT NULL,
	`report` text NOT NULL,
	`auc` real,
	`active` integer DEFAULT false NOT NULL,
	`trained_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `version`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `winbacks` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`flow_id` text,
	`reason` text,
	`canceled_at` text NOT NULL,
	`canceled_on` text NOT NULL,
	`effective_on` text NOT NULL,
	`return_on` text,
	`due_on` text NOT NULL,
	`due_status` text DEFAULT 'pending' NOT NULL,
	`due_sent_at` text,
	`holdout` integer DEFAULT false NOT NULL,
	`contactable` integer DEFAULT false NOT NULL,
	`survey` text,
	`features` text NOT NULL,
	`probability` real NOT NULL,
	`expected_value` integer NOT NULL,
	`annual_value` integer NOT NULL,
	`currency` text NOT NULL,
	`drivers` text NOT NULL,
	`model_version` text NOT NULL,
	`scored_on` text NOT NULL,
	`contacted_at` text,
	`reactivated_at` text,
	`recovered_amount` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `winbacks_subscription` ON `winbacks` (`tenant_id`,`subscription_id`,`canceled_at`);--> statement-breakpoint
CREATE INDEX `winbacks_customer` ON `winbacks` (`tenant_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `winbacks_canceled_on` ON `winbacks` (`tenant_id`,`canceled_on`);--> statement-breakpoint
CREATE INDEX `winbacks_candidates` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`) WHERE contactable = 1 AND holdout = 0 AND reactivated_at IS NULL;--> statement-breakpoint
CREATE INDEX `winbacks_due` ON `winbacks` (`due_status`,`due_on`,`tenant_id`);--> statement-breakpoint
ALTER TABLE `customers` ADD `acquisition_source` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `keep_in_touch` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `keep_in_touch_at` text;
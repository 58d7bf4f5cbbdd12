CREATE TABLE `cancel_flow_steps` (
	`tenant_id` text NOT NULL,
	`flow_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`channel` text NOT NULL,
	`at` text NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `flow_id`, `seq`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `cancel_flows` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`offer` text,
	`offer_id` text,
	`offers_shown` text,
	`holdout` integer DEFAULT false NOT NULL,
	`calls` integer DEFAULT 1 NOT NULL,
	`started_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`closed_at` text,
	`confirmation_number` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cancel_flows_subscription` ON `cancel_flows` (`tenant_id`,`subscription_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `cancel_flows_started` ON `cancel_flows` (`tenant_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `cancel_flows_expiry` ON `cancel_flows` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `cancellation_reasons` (
	`tenant_id` text NOT NULL,
	`code` text NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`follow_up_hint` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `code`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `offer_outcomes` (
	`tenant_id` text NOT NULL,
	`reason` text NOT NULL,
	`offer_id` text NOT NULL,
	`accepted` integer DEFAULT 0 NOT NULL,
	`declined` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `reason`, `offer_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `offers` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `risk_features` (
	`tenant_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`features` text NOT NULL,
	`probability` real NOT NULL,
	`score` integer NOT NULL,
	`band` text NOT NULL,
	`drivers` text NOT NULL,
	`flags` text NOT NULL,
	`revenue_at_risk` integer NOT NULL,
	`model_version` text NOT NULL,
	`computed_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `subscription_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `risk_features_at_risk` ON `risk_features` (`tenant_id`,`band`,`revenue_at_risk`,`subscription_id`);--> statement-breakpoint
CREATE INDEX `risk_features_customer` ON `risk_features` (`tenant_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `risk_features_computed` ON `risk_features` (`computed_at`);--> statement-breakpoint
CREATE TABLE `risk_models` (
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

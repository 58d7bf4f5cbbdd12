DROP INDEX `idempotency_keys_created`;--> statement-breakpoint
CREATE INDEX `idempotency_keys_tenant_created` ON `idempotency_keys` (`tenant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `customer_id` text;--> statement-breakpoint
-- Every stored delivery, filled from its payload as the outbox now writes it (webhooks/outbox): the
-- customer the event is about, at the top of `data` or in its subscription; none for customer.erased.
UPDATE `webhook_deliveries` SET `customer_id` = coalesce(json_extract(`payload`, '$.data.customerId'), json_extract(`payload`, '$.data.subscription.customerId')) WHERE `event_type` <> 'customer.erased';--> statement-breakpoint
CREATE INDEX `webhook_deliveries_customer` ON `webhook_deliveries` (`tenant_id`,`customer_id`) WHERE customer_id IS NOT NULL;
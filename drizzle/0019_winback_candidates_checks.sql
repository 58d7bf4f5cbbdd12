CREATE INDEX `customers_contactable` ON `customers` (`tenant_id`,`id`) WHERE coalesce(keep_in_touch, marketing_consent) = 1 AND (email IS NOT NULL OR phone IS NOT NULL) AND erased_at IS NULL;--> statement-breakpoint
CREATE INDEX `offers_updated` ON `offers` (`tenant_id`,`updated_at`);--> statement-breakpoint
-- Backfill: none needed, each CREATE INDEX reads its table once. The candidates list names
-- customers_contactable and subscriptions_canceled (INDEXED BY): the planner prefers the primary
-- keys (unique), which cost two seeks per row where these cost one.
CREATE INDEX `subscriptions_canceled` ON `subscriptions` (`tenant_id`,`id`) WHERE status = 'canceled';

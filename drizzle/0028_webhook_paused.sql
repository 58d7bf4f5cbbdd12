-- A webhook endpoint can hold its deliveries (PUT `paused: true`): events keep queueing, nothing is
-- sent until it is resumed. The index finds a delivery by the event id receivers log (`webhook-id`),
-- for a retry or the deliveries list's `eventId` filter.
ALTER TABLE `webhooks` ADD `paused_at` text;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`tenant_id`,`event_id`);
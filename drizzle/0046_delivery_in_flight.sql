-- A delivery's attempt in flight is said so (`inFlightSince` in GET /v1/webhooks/{webhookId}/deliveries)
-- instead of showing the dispatcher's 60 s lease as its `nextAttemptAt` (trial: read as the service
-- holding events for a minute). Set when the dispatcher claims a delivery, cleared when the attempt is
-- recorded. Null on every existing row: none is in flight while the database is being migrated.
ALTER TABLE `webhook_deliveries` ADD `in_flight_since` text;

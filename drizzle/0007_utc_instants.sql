-- Every instant is stored as UTC in one form, YYYY-MM-DDTHH:MM:SS.sssZ (what Date#toISOString
-- writes), so that text order is time order for ORDER BY, indexes and "latest" (#14.5). The API
-- now converts at write time (platform/dates utcInstant); this converts the rows written before,
-- in the columns that took an instant from the client as sent, offset included. SQLite's strftime
-- applies a "+09:00" offset and keeps milliseconds (%f); a value it cannot read is left as is. The
-- rollup triggers (0006) already bucket by strftime, so each row stays in its bucket.
UPDATE `events` SET `occurred_at` = strftime('%Y-%m-%dT%H:%M:%fZ', `occurred_at`)
  WHERE `occurred_at` LIKE '____-__-__T%' AND strftime('%Y-%m-%dT%H:%M:%fZ', `occurred_at`) IS NOT NULL
    AND `occurred_at` <> strftime('%Y-%m-%dT%H:%M:%fZ', `occurred_at`);--> statement-breakpoint
UPDATE `subscriptions` SET `started_at` = strftime('%Y-%m-%dT%H:%M:%fZ', `started_at`)
  WHERE `started_at` LIKE '____-__-__T%' AND strftime('%Y-%m-%dT%H:%M:%fZ', `started_at`) IS NOT NULL
    AND `started_at` <> strftime('%Y-%m-%dT%H:%M:%fZ', `started_at`);--> statement-breakpoint
UPDATE `subscriptions` SET `canceled_at` = strftime('%Y-%m-%dT%H:%M:%fZ', `canceled_at`)
  WHERE `canceled_at` LIKE '____-__-__T%' AND strftime('%Y-%m-%dT%H:%M:%fZ', `canceled_at`) IS NOT NULL
    AND `canceled_at` <> strftime('%Y-%m-%dT%H:%M:%fZ', `canceled_at`);--> statement-breakpoint
UPDATE `customers` SET `created_at` = strftime('%Y-%m-%dT%H:%M:%fZ', `created_at`)
  WHERE `created_at` LIKE '____-__-__T%' AND strftime('%Y-%m-%dT%H:%M:%fZ', `created_at`) IS NOT NULL
    AND `created_at` <> strftime('%Y-%m-%dT%H:%M:%fZ', `created_at`);

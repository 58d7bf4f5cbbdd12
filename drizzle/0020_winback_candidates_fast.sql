ALTER TABLE `winbacks` ADD `listed_head` text;--> statement-breakpoint
ALTER TABLE `winbacks` ADD `listed_tail` text;--> statement-breakpoint
-- The candidates list's per-row JSON text around drivers and offer (winback/candidates), written by
-- SQLite on every insert and on every change of a column it shows, whatever path writes the row
-- (scoring, re-scoring, the demo seed, the bench's SQL). The same expressions as the backfill below.
CREATE TRIGGER `winbacks_listed_insert` AFTER INSERT ON `winbacks` BEGIN
  UPDATE winbacks SET listed_head = format('{"customerId":%s,"subscriptionId":%s,"reason":%s,"canceledAt":%s,"returnOn":%s,"dueOn":%s,"probability":%s,"drivers":', json_quote(customer_id), json_quote(subscription_id), json_quote(reason), json_quote(canceled_at), json_quote(return_on), json_quote(due_on), probability),
    listed_tail = format(',"annualValue":{"amount":%d,"currency":%s},"expectedValue":{"amount":%d,"currency":%s},"modelVersion":%s,"offer":', annual_value, json_quote(currency), expected_value, json_quote(currency), json_quote(model_version))
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `winbacks_listed_update` AFTER UPDATE OF customer_id, subscription_id, reason, canceled_at, return_on, due_on, probability, annual_value, currency, expected_value, model_version ON `winbacks` BEGIN
  UPDATE winbacks SET listed_head = format('{"customerId":%s,"subscriptionId":%s,"reason":%s,"canceledAt":%s,"returnOn":%s,"dueOn":%s,"probability":%s,"drivers":', json_quote(customer_id), json_quote(subscription_id), json_quote(reason), json_quote(canceled_at), json_quote(return_on), json_quote(due_on), probability),
    listed_tail = format(',"annualValue":{"amount":%d,"currency":%s},"expectedValue":{"amount":%d,"currency":%s},"modelVersion":%s,"offer":', annual_value, json_quote(currency), expected_value, json_quote(currency), json_quote(model_version))
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE INDEX `customers_contactable` ON `customers` (`tenant_id`,`id`) WHERE coalesce(keep_in_touch, marketing_consent) = 1 AND (email IS NOT NULL OR phone IS NOT NULL) AND erased_at IS NULL;--> statement-breakpoint
CREATE INDEX `offers_updated` ON `offers` (`tenant_id`,`updated_at`);--> statement-breakpoint
-- The candidates list names customers_contactable and subscriptions_canceled (INDEXED BY): the
-- planner prefers the primary keys (unique), which cost two seeks per row where these cost one.
CREATE INDEX `subscriptions_canceled` ON `subscriptions` (`tenant_id`,`id`) WHERE status = 'canceled';--> statement-breakpoint
-- Backfill: every existing row's listed text, as the triggers write it.
UPDATE winbacks SET listed_head = format('{"customerId":%s,"subscriptionId":%s,"reason":%s,"canceledAt":%s,"returnOn":%s,"dueOn":%s,"probability":%s,"drivers":', json_quote(customer_id), json_quote(subscription_id), json_quote(reason), json_quote(canceled_at), json_quote(return_on), json_quote(due_on), probability),
  listed_tail = format(',"annualValue":{"amount":%d,"currency":%s},"expectedValue":{"amount":%d,"currency":%s},"modelVersion":%s,"offer":', annual_value, json_quote(currency), expected_value, json_quote(currency), json_quote(model_version));

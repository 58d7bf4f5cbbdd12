-- A pause remembers the delivery it stopped, so `resume {}` restarts on the customer's own schedule
-- instead of the earliest date (a delivery and charge a skip was meant to avoid). Pauses made before
-- this column learn it from their pause in the history: the next delivery the plan had when paused.
ALTER TABLE `subscriptions` ADD `paused_from_on` text;--> statement-breakpoint
UPDATE `subscriptions` SET `paused_from_on` = (
  SELECT json_extract(c.`before`, '$.nextDeliveryOn') FROM `plan_changes` c
   WHERE c.`tenant_id` = `subscriptions`.`tenant_id` AND c.`subscription_id` = `subscriptions`.`id` AND c.`type` = 'pause'
     AND json_extract(c.`before`, '$.status') = 'active'
   ORDER BY c.`created_at` DESC LIMIT 1
) WHERE `status` = 'paused';

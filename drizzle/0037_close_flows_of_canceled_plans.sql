-- Cancel flows left open on a plan cancelled since they started (before cancel-flows/closed-by-cancellation
-- closed them with the cancellation): another flow's confirm, or a sync setting `canceled`. Left open, the
-- first plan change after a reactivation saved them — one cancellation counted as a cancellation and a save.
-- Each still-unexpired one closes as abandoned, as the code now does: the evidence step `subscription_canceled`
-- (the cancellation's change and receipt number when the API made it; null for a sync), closed at the
-- cancellation (now, for a sync, whose instant the flow cannot know). A plan cancelled by a sync and since
-- restarted left no trace to find: its flow expires within the shop's `cancelFlowTtlHours`.
INSERT INTO `cancel_flow_steps` (`tenant_id`, `flow_id`, `seq`, `type`, `channel`, `at`, `data`, `actor`)
SELECT f.`tenant_id`, f.`id`,
  (SELECT coalesce(max(x.`seq`), 0) + 1 FROM `cancel_flow_steps` x WHERE x.`tenant_id` = f.`tenant_id` AND x.`flow_id` = f.`id`),
  'subscription_canceled', 'system', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  json_object('previousStatus', f.`status`, 'expiresAt', f.`expires_at`, 'changeId', c.`id`, 'confirmationNumber', c.`source` ->> '$.confirmationNumber'),
  json_object('type', 'system', 'id', 'maintenance')
FROM `cancel_flows` f
LEFT JOIN `plan_changes` c ON c.`tenant_id` = f.`tenant_id` AND c.`id` = (
  SELECT p.`id` FROM `plan_changes` p WHERE p.`tenant_id` = f.`tenant_id` AND p.`subscription_id` = f.`subscription_id` AND p.`type` = 'cancel' AND p.`created_at` >= f.`started_at` ORDER BY p.`created_at`, p.`id` LIMIT 1)
WHERE f.`status` IN ('open', 'offered') AND f.`expires_at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  AND (c.`id` IS NOT NULL OR EXISTS (SELECT 1 FROM `subscriptions` s WHERE s.`tenant_id` = f.`tenant_id` AND s.`id` = f.`subscription_id` AND s.`status` = 'canceled'));--> statement-breakpoint
UPDATE `cancel_flows` SET `status` = 'abandoned', `closed_at` = coalesce(
    (SELECT min(p.`created_at`) FROM `plan_changes` p WHERE p.`tenant_id` = `cancel_flows`.`tenant_id` AND p.`subscription_id` = `cancel_flows`.`subscription_id` AND p.`type` = 'cancel' AND p.`created_at` >= `cancel_flows`.`started_at`),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
WHERE `status` IN ('open', 'offered') AND `expires_at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  AND EXISTS (SELECT 1 FROM `cancel_flow_steps` x WHERE x.`tenant_id` = `cancel_flows`.`tenant_id` AND x.`flow_id` = `cancel_flows`.`id` AND x.`type` = 'subscription_canceled');

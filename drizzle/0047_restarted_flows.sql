ALTER TABLE `cancel_flows` ADD `superseded_by` text;--> statement-breakpoint
ALTER TABLE `cancel_flows` ADD `attempt_started_at` text;--> statement-breakpoint
ALTER TABLE `cancel_flows` ADD `attempt_channel` text;--> statement-breakpoint
ALTER TABLE `cancel_flows` ADD `earlier_calls` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- A flow replaced by a newer one on the same plan (a reload in the portal, 「最初からやり直す」 in the
-- console, a web flow continued by phone) closed as abandoned with the step `superseded` and was
-- counted as an abandoned attempt of its own: in the metrics (started 2, abandoned 1 for a customer
-- who reloaded and cancelled) and in risk (途中でやめた解約手続き). It is now part of the attempt of the
-- flow that replaced it: that flow is the one started when the superseded step was written (the
-- step's instant is the new flow's start, on the same plan).
UPDATE `cancel_flows` SET `superseded_by` = (SELECT n.`id` FROM `cancel_flows` n WHERE n.`tenant_id` = `cancel_flows`.`tenant_id` AND n.`subscription_id` = `cancel_flows`.`subscription_id` AND n.`id` <> `cancel_flows`.`id` AND n.`started_at` = (SELECT st.`at` FROM `cancel_flow_steps` st WHERE st.`tenant_id` = `cancel_flows`.`tenant_id` AND st.`flow_id` = `cancel_flows`.`id` AND st.`type` = 'superseded' ORDER BY st.`seq` LIMIT 1) ORDER BY n.`id` LIMIT 1)
  WHERE EXISTS (SELECT 1 FROM `cancel_flow_steps` st WHERE st.`tenant_id` = `cancel_flows`.`tenant_id` AND st.`flow_id` = `cancel_flows`.`id` AND st.`type` = 'superseded');--> statement-breakpoint
-- The flows that replaced them carry the attempt: its first start and channel (of the earliest flow
-- of a chain of restarts) and the calls made before. A chain starts at a superseded flow that
-- replaced none (found through its plan's flows, cancel_flows_subscription).
WITH RECURSIVE `chain`(`tenant_id`, `id`, `started_at`, `channel`, `calls`) AS (
    SELECT f.`tenant_id`, f.`superseded_by`, f.`started_at`, f.`channel`, f.`calls` FROM `cancel_flows` f
      WHERE f.`superseded_by` IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM `cancel_flows` p WHERE p.`tenant_id` = f.`tenant_id` AND p.`subscription_id` = f.`subscription_id` AND p.`superseded_by` = f.`id`)
    UNION ALL
    SELECT n.`tenant_id`, n.`superseded_by`, c.`started_at`, c.`channel`, c.`calls` + n.`calls` FROM `chain` c JOIN `cancel_flows` n ON n.`tenant_id` = c.`tenant_id` AND n.`id` = c.`id`
      WHERE n.`superseded_by` IS NOT NULL
  )
UPDATE `cancel_flows` SET `attempt_started_at` = c.`started_at`, `attempt_channel` = c.`channel`, `earlier_calls` = c.`calls`
  FROM `chain` c WHERE c.`tenant_id` = `cancel_flows`.`tenant_id` AND c.`id` = `cancel_flows`.`id`;--> statement-breakpoint
-- Stored risk features: each superseded flow added one to `abandonedCancelFlows`; take them back
-- (never below 0: a row rebuilt from history counted none). The score and its drivers follow at the
-- row's next re-score (the periodic job re-scores rows older than a day; `npm run risk -- rescore`
-- at once).
UPDATE `risk_features` SET `features` = json_set(`features`, '$.abandonedCancelFlows', max(0, json_extract(`features`, '$.abandonedCancelFlows') - (SELECT count(*) FROM `cancel_flows` f WHERE f.`tenant_id` = `risk_features`.`tenant_id` AND f.`subscription_id` = `risk_features`.`subscription_id` AND f.`superseded_by` IS NOT NULL)))
  WHERE json_extract(`features`, '$.abandonedCancelFlows') > 0
    AND EXISTS (SELECT 1 FROM `cancel_flows` f WHERE f.`tenant_id` = `risk_features`.`tenant_id` AND f.`subscription_id` = `risk_features`.`subscription_id` AND f.`superseded_by` IS NOT NULL);

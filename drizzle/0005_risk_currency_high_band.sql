ALTER TABLE `risk_features` ADD `currency` text DEFAULT 'JPY' NOT NULL;--> statement-breakpoint
-- Revenue at risk is in the subscription's minor units; the at-risk list now says which currency
-- from the row itself (it said JPY for every row).
UPDATE `risk_features` SET `currency` = (SELECT s.`currency` FROM `subscriptions` s WHERE s.`tenant_id` = `risk_features`.`tenant_id` AND s.`id` = `risk_features`.`subscription_id`)
  WHERE EXISTS (SELECT 1 FROM `subscriptions` s WHERE s.`tenant_id` = `risk_features`.`tenant_id` AND s.`id` = `risk_features`.`subscription_id` AND s.`currency` <> 'JPY');--> statement-breakpoint
-- The high band — the list operators call first — is read from this index alone (see schema.ts).
CREATE INDEX `risk_features_high_band` ON `risk_features` (`tenant_id`,"revenue_at_risk" desc,`subscription_id`,`customer_id`,`probability`,`score`,`band`,`drivers`,`flags`,`currency`,`model_version`,`computed_at`) WHERE band = 'high';
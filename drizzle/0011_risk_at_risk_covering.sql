DROP INDEX IF EXISTS `risk_features_high_band`;--> statement-breakpoint
DROP INDEX IF EXISTS `risk_features_at_risk`;--> statement-breakpoint
CREATE INDEX `risk_features_at_risk` ON `risk_features` (`tenant_id`,`band`,"revenue_at_risk" desc,`subscription_id`,`customer_id`,`probability`,`score`,`drivers`,`flags`,`currency`,`model_version`,`computed_at`);
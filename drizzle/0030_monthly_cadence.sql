-- Calendar-month plans (定期「1ヶ月ごと」「毎月20日」): the months between deliveries and the day of the
-- month a monthly plan keeps (platform/cadence). Null on every existing row: day plans, as before.
ALTER TABLE `subscriptions` ADD `interval_months` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `delivery_day` integer;
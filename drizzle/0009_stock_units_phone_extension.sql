ALTER TABLE `customers` ADD `phone_extension` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `product_units_per_package` integer;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `product_unit_label` text;
--> statement-breakpoint
-- Backfill (issue #14): e-mails are stored with the domain lower-cased (platform/phone normalizeEmail);
-- rows synced before keep their local part, and their match key is the whole address lower-cased.
-- Addresses were already checked without surrounding spaces, so trimming has nothing to do.
UPDATE `customers` SET `email` = substr(`email`, 1, instr(`email`, '@')) || lower(substr(`email`, instr(`email`, '@') + 1)),
  `email_normalized` = lower(`email`) WHERE `email` IS NOT NULL AND instr(`email`, '@') > 0;

ALTER TABLE `tenants` ADD `offers_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Every write to a tenant's offer catalogue or learned outcomes gives tenants.offers_version a new
-- random value, so a process may keep the parsed offer engine and re-read it only when the version
-- changes. Random rather than counted: a counter could repeat (a restored backup, another database
-- with the same tenant ids) and a stale copy would then pass for current. 53 bits, so JSON keeps it
-- exact; 0 means never written.
UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE EXISTS (SELECT 1 FROM `offers` o WHERE o.`tenant_id` = `tenants`.`id`);--> statement-breakpoint
CREATE TRIGGER `offers_version_on_offer_insert` AFTER INSERT ON `offers` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = NEW.`tenant_id`; END;--> statement-breakpoint
CREATE TRIGGER `offers_version_on_offer_update` AFTER UPDATE ON `offers` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = NEW.`tenant_id`; END;--> statement-breakpoint
CREATE TRIGGER `offers_version_on_offer_delete` AFTER DELETE ON `offers` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = OLD.`tenant_id`; END;--> statement-breakpoint
CREATE TRIGGER `offers_version_on_outcome_insert` AFTER INSERT ON `offer_outcomes` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = NEW.`tenant_id`; END;--> statement-breakpoint
CREATE TRIGGER `offers_version_on_outcome_update` AFTER UPDATE ON `offer_outcomes` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = NEW.`tenant_id`; END;--> statement-breakpoint
CREATE TRIGGER `offers_version_on_outcome_delete` AFTER DELETE ON `offer_outcomes` BEGIN UPDATE `tenants` SET `offers_version` = (random() >> 11) WHERE `id` = OLD.`tenant_id`; END;

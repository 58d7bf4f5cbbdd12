CREATE TABLE `audit_log_rekeys` (
	`tenant_id` text NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `from_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_customer_actor` ON `audit_log` (`tenant_id`,`actor_id`) WHERE actor_type = 'customer';--> statement-breakpoint
CREATE INDEX `audit_log_customer_target` ON `audit_log` (`tenant_id`,`target_id`) WHERE target_type = 'customer';--> statement-breakpoint
-- The audit log stays append-only, with one exception: an erasure moves the person's customer id
-- (a customer actor's id, a customer target's id) to their pseudonym, so the log keeps what was
-- done without naming who. The erasure proves it is one by a row of audit_log_rekeys written and
-- deleted inside its own transaction (the committed database keeps no original → pseudonym pair).
-- A trigger cannot see a temp table, hence a main-schema table that is always empty at rest.
CREATE TRIGGER `audit_log_rekeys_erasure_only` BEFORE INSERT ON `audit_log_rekeys` WHEN NEW.to_id NOT LIKE 'erased\_%' ESCAPE '\'
  OR NOT EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.to_id AND c.erased_at IS NOT NULL)
  OR EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.from_id)
BEGIN SELECT RAISE(ABORT, 'audit_log_rekeys: only an erasure re-keys the audit log, to the erased customer''s pseudonym'); END;--> statement-breakpoint
CREATE TRIGGER `audit_log_rekeys_no_update` BEFORE UPDATE ON `audit_log_rekeys` BEGIN SELECT RAISE(ABORT, 'audit_log_rekeys: insert and delete only'); END;--> statement-breakpoint
DROP TRIGGER `audit_log_no_update`;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log` WHEN NOT (
  NEW.rowid IS OLD.rowid AND NEW.tenant_id IS OLD.tenant_id AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_type IS OLD.actor_type
  AND NEW.actor_name IS OLD.actor_name AND NEW.action IS OLD.action AND NEW.target_type IS OLD.target_type AND NEW.details IS OLD.details
  AND (NEW.actor_id IS OLD.actor_id OR (OLD.actor_type = 'customer' AND EXISTS (SELECT 1 FROM audit_log_rekeys r WHERE r.tenant_id = OLD.tenant_id AND r.from_id = OLD.actor_id AND r.to_id = NEW.actor_id)))
  AND (NEW.target_id IS OLD.target_id OR (OLD.target_type = 'customer' AND EXISTS (SELECT 1 FROM audit_log_rekeys r WHERE r.tenant_id = OLD.tenant_id AND r.from_id = OLD.target_id AND r.to_id = NEW.target_id)))
) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

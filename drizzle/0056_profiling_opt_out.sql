-- A customer who objected to profiling (customers.profiling_opt_out) is not contacted for win-back,
-- as for no consent: migration 0023's contactability triggers read it too (winback/service isContactable).
ALTER TABLE `contact_consents` ADD `kind` text DEFAULT 'keep_in_touch' NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `profiling_opt_out` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `profiling_opt_out_at` text;--> statement-breakpoint
CREATE INDEX `customers_profiling_opt_out` ON `customers` (`tenant_id`,`id`) WHERE profiling_opt_out = 1;--> statement-breakpoint
DROP TRIGGER `winbacks_listable_insert`;--> statement-breakpoint
CREATE TRIGGER `winbacks_listable_insert` AFTER INSERT ON `winbacks`
  WHEN NEW.contactable IS NOT coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL AND c.profiling_opt_out = 0 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0)
    OR NEW.plan_canceled IS NOT coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
BEGIN
  UPDATE winbacks SET
    contactable = coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL AND c.profiling_opt_out = 0 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0),
    plan_canceled = coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
DROP TRIGGER `winbacks_listable_update`;--> statement-breakpoint
CREATE TRIGGER `winbacks_listable_update` AFTER UPDATE OF customer_id, subscription_id, contactable, plan_canceled ON `winbacks`
  WHEN NEW.contactable IS NOT coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL AND c.profiling_opt_out = 0 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0)
    OR NEW.plan_canceled IS NOT coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
BEGIN
  UPDATE winbacks SET
    contactable = coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL AND c.profiling_opt_out = 0 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0),
    plan_canceled = coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
DROP TRIGGER `winbacks_contactable_customer`;--> statement-breakpoint
CREATE TRIGGER `winbacks_contactable_customer` AFTER UPDATE OF id, keep_in_touch, marketing_consent, email, phone, erased_at, profiling_opt_out ON `customers`
  WHEN OLD.id IS NOT NEW.id
    OR (coalesce(OLD.keep_in_touch, OLD.marketing_consent) = 1 AND (OLD.email IS NOT NULL OR OLD.phone IS NOT NULL) AND OLD.erased_at IS NULL AND OLD.profiling_opt_out = 0)
       IS NOT (coalesce(NEW.keep_in_touch, NEW.marketing_consent) = 1 AND (NEW.email IS NOT NULL OR NEW.phone IS NOT NULL) AND NEW.erased_at IS NULL AND NEW.profiling_opt_out = 0)
BEGIN
  UPDATE winbacks SET contactable = 0 WHERE tenant_id = OLD.tenant_id AND customer_id = OLD.id AND OLD.id IS NOT NEW.id;
  UPDATE winbacks SET contactable = (coalesce(NEW.keep_in_touch, NEW.marketing_consent) = 1 AND (NEW.email IS NOT NULL OR NEW.phone IS NOT NULL) AND NEW.erased_at IS NULL AND NEW.profiling_opt_out = 0)
    WHERE tenant_id = NEW.tenant_id AND customer_id = NEW.id;
END;--> statement-breakpoint
-- No stored risk for them, whatever path writes it (the API's refresh, the bulk sync, the re-score
-- and rebuild jobs, the demo seed): a risk_features row of an opted-out customer is deleted as it is
-- written, and all of theirs when they opt out. Switching it off rebuilds them from history (risk/rescore).
CREATE TRIGGER `risk_features_profiling_insert` AFTER INSERT ON `risk_features`
  WHEN EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id AND c.profiling_opt_out = 1)
BEGIN
  DELETE FROM risk_features WHERE tenant_id = NEW.tenant_id AND subscription_id = NEW.subscription_id;
END;--> statement-breakpoint
CREATE TRIGGER `risk_features_profiling_update` AFTER UPDATE ON `risk_features`
  WHEN EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id AND c.profiling_opt_out = 1)
BEGIN
  DELETE FROM risk_features WHERE tenant_id = NEW.tenant_id AND subscription_id = NEW.subscription_id;
END;--> statement-breakpoint
-- Opting out removes their risk rows and their win-back scores (the record of each cancellation stays;
-- scored_on '' marks it for re-scoring when they opt back in).
CREATE TRIGGER `customers_profiling_opt_out` AFTER UPDATE OF profiling_opt_out ON `customers`
  WHEN NEW.profiling_opt_out = 1 AND OLD.profiling_opt_out IS NOT 1
BEGIN
  DELETE FROM risk_features WHERE tenant_id = NEW.tenant_id AND customer_id = NEW.id;
  UPDATE winbacks SET probability = 0, expected_value = 0, drivers = '[]', scored_on = '' WHERE tenant_id = NEW.tenant_id AND customer_id = NEW.id;
END;

-- The candidates list (winback/candidates) checked each row's customer and plan with a seek each
-- (customers_contactable, subscriptions_canceled): 42 b-tree descents a page, most of its
-- statement's time in a server. Now the row carries both answers, written by SQLite itself —
-- triggers on customers, subscriptions and winbacks, in the writing transaction, whatever path
-- writes (the API, the bulk sync, erasure, the demo seed, the bench's SQL) — and the list walks
-- one partial index of the rows that pass (`winbacks_listable`). Contactable: keep-in-touch, else marketing consent; an
-- e-mail or phone; not erased (winback/service `isContactable`). A deleted customer or plan lists
-- nothing (no path deletes them today).
ALTER TABLE `winbacks` ADD `plan_canceled` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Backfill: both answers as the triggers below write them.
UPDATE winbacks SET plan_canceled = coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = winbacks.tenant_id AND s.id = winbacks.subscription_id), 0);--> statement-breakpoint
UPDATE winbacks SET contactable = coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = winbacks.tenant_id AND c.id = winbacks.customer_id), 0)
  WHERE contactable IS NOT coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = winbacks.tenant_id AND c.id = winbacks.customer_id), 0);--> statement-breakpoint
-- A row written (inserted, moved to another customer or plan, or its answers written by hand) takes them from its customer and
-- plan (the WHEN: only when they differ, so the triggers' own writes end there).
CREATE TRIGGER `winbacks_listable_insert` AFTER INSERT ON `winbacks`
  WHEN NEW.contactable IS NOT coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0)
    OR NEW.plan_canceled IS NOT coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
BEGIN
  UPDATE winbacks SET
    contactable = coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0),
    plan_canceled = coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
CREATE TRIGGER `winbacks_listable_update` AFTER UPDATE OF customer_id, subscription_id, contactable, plan_canceled ON `winbacks`
  WHEN NEW.contactable IS NOT coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0)
    OR NEW.plan_canceled IS NOT coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
BEGIN
  UPDATE winbacks SET
    contactable = coalesce((SELECT coalesce(c.keep_in_touch, c.marketing_consent) = 1 AND (c.email IS NOT NULL OR c.phone IS NOT NULL) AND c.erased_at IS NULL FROM customers c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.customer_id), 0),
    plan_canceled = coalesce((SELECT s.status = 'canceled' FROM subscriptions s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.subscription_id), 0)
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
-- A customer's answer, contact details, erasure or id changing: their rows follow (nothing runs when contactability did not change).
CREATE TRIGGER `winbacks_contactable_customer` AFTER UPDATE OF id, keep_in_touch, marketing_consent, email, phone, erased_at ON `customers`
  WHEN OLD.id IS NOT NEW.id
    OR (coalesce(OLD.keep_in_touch, OLD.marketing_consent) = 1 AND (OLD.email IS NOT NULL OR OLD.phone IS NOT NULL) AND OLD.erased_at IS NULL)
       IS NOT (coalesce(NEW.keep_in_touch, NEW.marketing_consent) = 1 AND (NEW.email IS NOT NULL OR NEW.phone IS NOT NULL) AND NEW.erased_at IS NULL)
BEGIN
  UPDATE winbacks SET contactable = 0 WHERE tenant_id = OLD.tenant_id AND customer_id = OLD.id AND OLD.id IS NOT NEW.id;
  UPDATE winbacks SET contactable = (coalesce(NEW.keep_in_touch, NEW.marketing_consent) = 1 AND (NEW.email IS NOT NULL OR NEW.phone IS NOT NULL) AND NEW.erased_at IS NULL)
    WHERE tenant_id = NEW.tenant_id AND customer_id = NEW.id;
END;--> statement-breakpoint
CREATE TRIGGER `winbacks_contactable_customer_delete` AFTER DELETE ON `customers` BEGIN
  UPDATE winbacks SET contactable = 0 WHERE tenant_id = OLD.tenant_id AND customer_id = OLD.id;
END;--> statement-breakpoint
-- A plan leaving or entering `canceled` (a restart, the cart system's sync), or its id changing: its rows follow.
CREATE TRIGGER `winbacks_plan_subscription` AFTER UPDATE OF id, status ON `subscriptions`
  WHEN OLD.id IS NOT NEW.id OR (OLD.status = 'canceled') IS NOT (NEW.status = 'canceled')
BEGIN
  UPDATE winbacks SET plan_canceled = 0 WHERE tenant_id = OLD.tenant_id AND subscription_id = OLD.id AND OLD.id IS NOT NEW.id;
  UPDATE winbacks SET plan_canceled = (NEW.status = 'canceled') WHERE tenant_id = NEW.tenant_id AND subscription_id = NEW.id;
END;--> statement-breakpoint
CREATE TRIGGER `winbacks_plan_subscription_delete` AFTER DELETE ON `subscriptions` BEGIN
  UPDATE winbacks SET plan_canceled = 0 WHERE tenant_id = OLD.tenant_id AND subscription_id = OLD.id;
END;--> statement-breakpoint
CREATE INDEX `winbacks_listable` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`,`contactable`,`holdout`,`reactivated_at`,`plan_canceled`,`return_on`,`drivers`,`comeback_stamp`,`comeback_restart_on`,`comeback_key`,`listed_head`,`listed_tail`) WHERE contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL;--> statement-breakpoint
-- Only the list read these (its walk, its per-row checks); every customer and plan write kept the last two.
DROP INDEX `winbacks_candidates`;--> statement-breakpoint
DROP INDEX `customers_contactable`;--> statement-breakpoint
DROP INDEX `subscriptions_canceled`;

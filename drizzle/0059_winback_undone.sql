-- A cancellation the customer undid (reactivated on or before its `effectiveOn`, shop-local: the
-- fee waived, the plan going on as if never cancelled) is a withdrawn decision, not a loss nor a
-- return: the metrics leave it out of `canceled`, churn, the reactivations and win-back
-- (metrics/flows, metrics/population, metrics/winback). The reactivation writes `undone` from now
-- on (winback/service `recordReactivations`, which knows the shop's today). Records already closed
-- are marked where SQL can tell without the shop's time zone: a reactivation on a UTC day before
-- `effective_on` (its shop-local day is at most one later), or one whose change recorded the fee
-- waived (`source.cancellationFee.waived`: the same decision, made then). A restart on the UTC day
-- of `effective_on` or the next without a fee stays counted as before. A restart that took an offer
-- (a comeback or the confirmation's win-back offer: a change with `source.offerId` at the same
-- instant) is a win-back the offer bought, never undone.
ALTER TABLE `winbacks` ADD `undone` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `winbacks` SET `undone` = 1 WHERE `reactivated_at` IS NOT NULL AND (substr(`reactivated_at`, 1, 10) < `effective_on` OR EXISTS (SELECT 1 FROM `plan_changes` p WHERE p.`tenant_id` = `winbacks`.`tenant_id` AND p.`subscription_id` = `winbacks`.`subscription_id` AND p.`created_at` = `winbacks`.`reactivated_at` AND p.`type` = 'reactivate' AND json_extract(p.`source`, '$.cancellationFee.waived') = 1)) AND NOT EXISTS (SELECT 1 FROM `plan_changes` p WHERE p.`tenant_id` = `winbacks`.`tenant_id` AND p.`subscription_id` = `winbacks`.`subscription_id` AND p.`created_at` = `winbacks`.`reactivated_at` AND json_extract(p.`source`, '$.offerId') IS NOT NULL);--> statement-breakpoint
CREATE INDEX `winbacks_undone` ON `winbacks` (`tenant_id`,`reactivated_at`) WHERE undone = 1;--> statement-breakpoint
-- The win-back metrics stay covering with the new column (as migration 0052 left it, plus `undone`).
DROP INDEX `winbacks_metrics`;--> statement-breakpoint
CREATE INDEX `winbacks_metrics` ON `winbacks` (`tenant_id`,substr(`canceled_at`, 1, 10),`reason`,`currency`,`reactivated_at`,`canceled_at`,`contacted_at`,`contactable_at_draw`,`holdout`,`holdout_percent`,`recovered_amount`,`undone`);

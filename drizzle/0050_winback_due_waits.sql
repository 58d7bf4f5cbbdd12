-- A win-back record that falls due while its shop has no endpoint taking `winback.due` waits for
-- one (trial25: a shop that synced its cancellations and registered its receiver 40 s later heard
-- nothing). The maintenance job now asks, per shop with such an endpoint, whether a date has come:
-- a seek on (tenant, status, date), where the old (status, date, tenant) order walked every record
-- other shops keep waiting.
DROP INDEX `winbacks_due`;--> statement-breakpoint
CREATE INDEX `winbacks_due` ON `winbacks` (`tenant_id`,`due_status`,`due_on`);

-- Migration 0052 added `contactable_at_draw` with DEFAULT false. A build before it that is still
-- serving while the database is migrated (README: the running Worker keeps working until the new one
-- is up; a second Node instance not yet restarted) inserts win-back records without the column, so
-- each cancellation it recorded after the migration left both holdout arms (metrics/winback counts
-- contactable_at_draw = 1). This build inserts both columns with the same value (winback/service
-- recordCancellation), so an insert where they differ is an older build's: its draw is `contactable`
-- as inserted. No cost for this build's inserts (the WHEN is false).
CREATE TRIGGER `winbacks_contactable_at_draw_insert` AFTER INSERT ON `winbacks`
WHEN NEW.`contactable_at_draw` <> NEW.`contactable`
BEGIN
  UPDATE `winbacks` SET `contactable_at_draw` = NEW.`contactable` WHERE `tenant_id` = NEW.`tenant_id` AND `id` = NEW.`id`;
END;

-- The candidates list's statement wrote each row's record with format() over nine columns (about
-- half of the statement's time); the row now keeps that record, written by SQLite whenever one of
-- its parts changes, and the statement only joins the records (winback/candidates
-- `candidatesDocument`). Parts, ␟-separated: expected value, id, comeback stamp, return date ('':
-- none), the shown comeback's restart date ('*': no offer; '': not rendered), comeback key ('':
-- none), listed head, stored drivers, listed tail. Null while the listed text is (the long way).
DROP INDEX `winbacks_listable`;--> statement-breakpoint
ALTER TABLE `winbacks` ADD `listed_record` text;--> statement-breakpoint
CREATE TRIGGER `winbacks_listed_record` AFTER UPDATE OF expected_value, id, comeback_stamp, return_on, comeback_restart_on, comeback_key, listed_head, drivers, listed_tail ON `winbacks` BEGIN
  UPDATE winbacks SET listed_record = CASE WHEN listed_head IS NULL OR listed_tail IS NULL THEN NULL ELSE format('%d%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s',
      expected_value, char(31), id, char(31), comeback_stamp, char(31), coalesce(return_on, ''), char(31), coalesce(comeback_restart_on, '*'), char(31),
      coalesce(comeback_key, ''), char(31), listed_head, char(31), drivers, char(31), listed_tail) END
  WHERE rowid = NEW.rowid;
END;--> statement-breakpoint
-- Backfill: as the trigger writes it (an insert writes the listed text, which fires it).
UPDATE winbacks SET listed_record = CASE WHEN listed_head IS NULL OR listed_tail IS NULL THEN NULL ELSE format('%d%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s',
    expected_value, char(31), id, char(31), comeback_stamp, char(31), coalesce(return_on, ''), char(31), coalesce(comeback_restart_on, '*'), char(31),
    coalesce(comeback_key, ''), char(31), listed_head, char(31), drivers, char(31), listed_tail) END;--> statement-breakpoint
CREATE INDEX `winbacks_listable` ON `winbacks` (`tenant_id`,"expected_value" desc,`id`,`contactable`,`holdout`,`reactivated_at`,`plan_canceled`,`listed_record`) WHERE contactable = 1 AND plan_canceled = 1 AND holdout = 0 AND reactivated_at IS NULL;

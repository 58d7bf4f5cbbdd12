-- drizzle-kit also wrote the at-risk indexes again here (0020's snapshot predates 0019's, merged
-- in parallel); 0019_at_risk_record.sql already creates them as the schema says, so only the column is kept.
ALTER TABLE `tenants` ADD `settings_changed_at` text DEFAULT '' NOT NULL;

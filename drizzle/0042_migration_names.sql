-- The name (journal tag) of each migration, by the `created_at` drizzle's migrator records for it in
-- __drizzle_migrations (which keeps only a hash and that number). Written at each migration by the
-- build that applies it (src/operations/migrations.ts), for every migration it knows, so an older
-- build started on this file later can name the newer migration it does not have when it refuses
-- to start (a rollback must restore the backup instead).
CREATE TABLE `migration_names` (
	`created_at` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);

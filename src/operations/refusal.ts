/**
 * Start-up (or an operations command) refusing to go on because of something the operator must
 * fix — a setting, a file, the database's schema, the secrets key. Printed as its message alone, one
 * line, no stack (config.ts startupProblem), exit 1. ConfigError is the settings' kind of it.
 */
export class StartupRefusal extends Error {
  override name = "StartupRefusal";
}

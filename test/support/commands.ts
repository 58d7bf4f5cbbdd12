import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

/**
 * The operations commands' bundles, as their npm scripts run them (`node dist/cli/NAME.js` after
 * `tsx scripts/build-server.ts --cli`; commands.global.ts builds them once for the test run).
 */
export const COMMAND_BUNDLES = {
  "tenant:create": "tenant-create",
  import: "import",
  risk: "risk",
  backup: "backup",
  "db:migrate": "migrate",
  "secrets:rotate": "rotate-key",
} as const;

/** The absolute path of the bundle `npm run <script>` runs. */
export function commandBundle(script: keyof typeof COMMAND_BUNDLES): string {
  return join(root, "dist", "cli", `${COMMAND_BUNDLES[script]}.js`);
}

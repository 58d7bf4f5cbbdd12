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

/**
 * A command's output with its exit status, which may be one of `statuses` besides 0 (promisified
 * execFile rejects on any but 0: the import's 3, rows refused, is an answer, not a failure).
 */
export async function withStatus(ran: Promise<{ stdout: string; stderr: string }>, ...statuses: number[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    return { ...(await ran), code: 0 };
  } catch (e) {
    const failed = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code === "number" && statuses.includes(failed.code)) return { stdout: failed.stdout ?? "", stderr: failed.stderr ?? "", code: failed.code };
    throw e;
  }
}

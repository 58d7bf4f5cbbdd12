import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

/**
 * Vitest global setup: bundles the operations commands into dist/cli/ as their npm scripts do
 * before each run, so a test file run alone after an edit in src/ spawns the code as it now is.
 */
export default function setup() {
  const root = resolve(import.meta.dirname, "../..");
  const built = spawnSync(join(root, "node_modules", ".bin", "tsx"), ["scripts/build-server.ts", "--cli"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building dist/cli/ failed:\n${built.stderr}`);
}

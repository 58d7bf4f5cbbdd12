import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import WorkersFirst from "./test/support/sequencer";

export default defineConfig({
  test: {
    // Two files at a time. Vitest's default on 2 cores is one (cores − 1), which ran all 169 files one
    // after another with the CPU idle a quarter of the time (Chromium, sqld and child processes
    // waiting on each other): 1,103 s of tests, past CI's budget with the install.
    maxWorkers: 2,
    sequence: { sequencer: WorkersFirst },
    projects: [
      {
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/workers/**"],
          environment: "node",
          // One module graph for every file: re-importing the app per file cost ~3 s each, half the
          // node project's time on 2 cores. Each file still builds its own app on a fresh database
          // (test/support/node-harness), and in-process caches are keyed by tenant or by object.
          isolate: false,
          // The webhook receiver: the shared HTTP suite delivers to it on both runtimes. The operations
          // commands' bundles, which the CLI tests spawn.
          globalSetup: ["test/support/embed.global.ts", "test/support/receiver.global.ts", "test/support/commands.global.ts"],
          // A limit for hangs, not a speed check (speed is in `npm run bench`): the Chromium suites' tests
          // take 3–12 s alone and passed 20 s at load 12–17 (CI beside helpers).
          testTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: "./src/worker.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: { DATABASE_URL: inject("sqldUrl"), SECRETS_KEY: "test-secrets-key-0123456789abcdef-0123456789", WEBHOOKS_ALLOW_LOOPBACK: "1" },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          globalSetup: ["test/support/embed.global.ts", "test/workers/sqld.global.ts", "test/support/receiver.global.ts"],
          testTimeout: 30_000,
          // beforeAll in http.test.ts warms the Worker up: loading src/ inside workerd takes seconds.
          hookTimeout: 30_000,
        },
      },
    ],
  },
});

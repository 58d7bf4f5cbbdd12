// Types for the workerd-only modules the workers tests import. @cloudflare/workers-types is not in
// tsconfig "types" (its globals clash with DOM and @types/node), so declare just what we use here.
// Ambient (no top-level import/export), so it adds module declarations without touching globals.

declare module "cloudflare:workers" {
  /** The main Worker's own entrypoints (src/worker.ts), callable like service bindings. */
  export const exports: {
    default: { fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> };
  };
  /** The main Worker's bindings. */
  export const env: { DATABASE_URL: string; DATABASE_AUTH_TOKEN?: string; SECRETS_KEY: string; WEBHOOKS_ALLOW_LOOPBACK?: string };
}

/**
 * The service's one root secret, `SECRETS_KEY` (Node: environment, or a key file created beside
 * an embedded database on first start; Workers: a Worker secret). Nothing uses it directly: each
 * purpose derives its own key with HKDF-SHA-256 (RFC 5869), so a key for signing customer
 * sessions can never decrypt a webhook secret. WebCrypto only, so it runs on both runtimes.
 */

const encoder = new TextEncoder();

/** What a derived key is for; one label per use, fixed forever (changing one invalidates its data). */
export type SecretPurpose =
  | "customer-session-signing"
  | "console-session-signing"
  | "webhook-secret-encryption"
  | "contact-fingerprint";

const derived = new Map<string, Promise<Uint8Array>>();

/** 32 bytes derived from `root` for `purpose` (HKDF-SHA-256, empty salt, info = purpose). */
export function deriveKey(root: string, purpose: SecretPurpose): Promise<Uint8Array> {
  const id = `${purpose}\n${root}`;
  let key = derived.get(id);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey("raw", encoder.encode(root), "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(purpose) },
        base,
        256,
      );
      return new Uint8Array(bits);
    })();
    if (derived.size > 100) derived.clear();
    derived.set(id, key);
  }
  return key;
}

/** A root secret must carry at least 128 bits; this refuses short, guessable values early. */
export function checkSecretsKey(value: string | undefined): string {
  if (!value || value.length < 32) {
    throw new Error("SECRETS_KEY must be set to a random string of at least 32 characters (e.g. `openssl rand -base64 32`).");
  }
  return value;
}

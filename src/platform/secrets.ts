/**
 * The service's one root secret, `SECRETS_KEY` (Node: environment, or a key file created beside
 * an embedded database on first start; Workers: a Worker secret). Nothing uses it directly: each
 * purpose derives its own key with HKDF-SHA-256 (RFC 5869), so a key for signing customer
 * sessions can never decrypt a webhook secret. WebCrypto only, so it runs on both runtimes.
 */

import { base64url, fromBase64url } from "./crypto";

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

const SEALED = "enc:v1:";

const bytesOf = (text: string): Uint8Array => Uint8Array.from(fromBase64url(text), (ch) => ch.charCodeAt(0));

async function aesKey(root: string, purpose: SecretPurpose) {
  return crypto.subtle.importKey("raw", (await deriveKey(root, purpose)) as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * A secret the service must be able to use again (a webhook signing secret), encrypted for storage:
 * AES-256-GCM under the purpose's derived key, a fresh 96-bit IV each time, as
 * `enc:v1:<iv>:<ciphertext+tag>` (base64url). `context` (e.g. tenant and endpoint id) is bound as
 * additional data, so a sealed value copied to another row does not open.
 */
export async function sealSecret(root: string, purpose: SecretPurpose, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, await aesKey(root, purpose), encoder.encode(plaintext));
  return `${SEALED}${base64url(iv)}:${base64url(new Uint8Array(ct))}`;
}

/**
 * A sealed secret that the SECRETS_KEY in use does not open (AES-GCM's tag check failed): the key
 * is not the one it was sealed with — a lost or re-put Worker secret, a database restored without
 * its key — or the stored value was altered. Answered 503 `secrets_key_mismatch` (platform/errors).
 */
export class SecretsKeyMismatch extends Error {
  constructor(what: string) {
    super(`SECRETS_KEY does not open ${what}: it is not the key the secret was sealed with. Put back the key this database was used with, or rotate from it (README, "Changing SECRETS_KEY").`);
    this.name = "SecretsKeyMismatch";
  }
}

/** The plaintext of a `sealSecret` value; throws when the key, context or value does not match (SecretsKeyMismatch). */
export async function openSecret(root: string, purpose: SecretPurpose, sealed: string, context: string): Promise<string> {
  if (!isSealed(sealed)) throw new Error("not a sealed secret");
  const [iv, ct] = sealed.slice(SEALED.length).split(":") as [string, string];
  let pt: ArrayBuffer;
  try {
    pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytesOf(iv) as BufferSource, additionalData: encoder.encode(context) }, await aesKey(root, purpose), bytesOf(ct) as BufferSource);
  } catch {
    // WebCrypto's OperationError says only "Decryption failed": say which setting and what to do.
    throw new SecretsKeyMismatch(`the stored ${context.split(":")[0]} secret`);
  }
  return new TextDecoder().decode(pt);
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED);
}

/** Keyed fingerprint (HMAC-SHA-256, hex) of `value` under the purpose's derived key. */
export async function fingerprint(root: string, purpose: SecretPurpose, value: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", (await deriveKey(root, purpose)) as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(value));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

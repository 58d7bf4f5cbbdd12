import { z } from "@hono/zod-openapi";

/** The shape of an ISO 4217 code. */
const SHAPE = /^[A-Z]{3}$/;

/** ISO 4217's current codes as the runtime's ICU lists them (`Intl.supportedValuesOf`, ECMA-402): read once. */
let known: ReadonlySet<string> | undefined;

/** Whether `code` is a currency ISO 4217 lists today (JPY, USD, EUR…); `XYZ` has the shape and is none. */
export function isCurrencyCode(code: string): boolean {
  return (known ??= new Set(Intl.supportedValuesOf("currency"))).has(code);
}

/**
 * A currency as the API takes it: an ISO 4217 code in capitals. The shape alone let `XYZ` through
 * (trial50), which no price can be written in: its minor units are unknown, and figures in it
 * are summed apart from every real currency's.
 */
export const CurrencyCode = z
  .string()
  .regex(SHAPE, "ISO 4217 code, e.g. JPY")
  // Only a code of the right shape is looked up: a wrong shape is the regex's one error.
  .refine((code) => !SHAPE.test(code) || isCurrencyCode(code), "Not a currency ISO 4217 lists (e.g. JPY, USD, EUR)")
  .openapi({ description: "An ISO 4217 currency code (`JPY`, `USD`, `EUR`…); a code ISO 4217 does not list is refused.", example: "JPY" });

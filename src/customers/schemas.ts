import { z } from "@hono/zod-openapi";
import { withoutZeroWidth } from "../platform/name-keys";
import { Instant, MerchantId, readOnlyFields, shownName } from "../platform/openapi";
import { normalizeEmail } from "../platform/phone";

/**
 * A reading as cart systems take it: kana of either kind and width, with spaces, ー and ・ between
 * parts. (White space of any kind passes here: a blank value or a line break is refused by
 * `shownName`'s own rules, once.)
 */
const KANA_READING = /^[\p{Script=Katakana}\p{Script=Hiragana}ー・･ﾞﾟ\u3099\u309a\s]*$/u;

export const Locale = z.enum(["ja", "en"]).openapi("Locale");

export const CustomerIdParam = z.object({
  customerId: MerchantId.openapi({ param: { name: "customerId", in: "path" }, example: "C-100245" }),
});

export const AcquisitionSource = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,31}$/, "snake_case, 2–32 characters, e.g. referral, ad, search, store")
  .openapi({ description: "How the customer found the shop: `referral`, `ad`, `search`, `store`, `social`, `gift`, … (the win-back model knows referral and ad).", example: "referral" });

/** What a sync did not take of an item, though the rest was applied. */
export const SyncWarning = z
  .object({
    code: z.enum(["keep_in_touch_kept"]).openapi({
      description:
        "`keep_in_touch_kept`: the item sent `keepInTouch: true`, but the customer's last answer is a \"no\" they gave themselves (the cancel flow, their my-page, an operator or an API call: anything but a sync); a sync does not overturn it. The \"no\" stays, nothing of the answer was recorded. A \"yes\" from the cart is taken when the last answer was the cart's own (`customer_sync`) or there was none.",
    }),
    path: z.string().openapi({ description: "The field it is about, as validation errors name it.", example: "keepInTouch" }),
    message: z.string().openapi({ description: "What happened, in the caller's language (ja or en)." }),
  })
  .openapi("SyncWarning");

export const Customer = z
  .object({
    id: z.string().openapi({ example: "C-100245" }),
    name: z.string().nullable().openapi({ example: "佐藤 花子" }),
    nameKana: z.string().nullable().openapi({ description: "The name's reading (フリガナ) as the shop sent it, katakana or hiragana. null: none synced.", example: "サトウ ハナコ" }),
    email: z.string().nullable().openapi({ example: "hanako.sato@example.jp" }),
    phone: z.string().nullable().openapi({ description: "E.164", example: "+819012345678" }),
    phoneExtension: z.string().nullable().openapi({ description: "The extension of `phone` (digits), when it has one.", example: "123" }),
    locale: Locale.nullable(),
    postalCode: z.string().nullable().openapi({ description: "Seven digits, no hyphen.", example: "1500041" }),
    address: z.string().nullable().openapi({ description: "The address line as synced.", example: "東京都渋谷区神南1-2-3 サンハイツ101" }),
    marketingConsent: z.boolean().openapi({
      description:
        "Marketing consent from the cart system. Win-back contact follows `keepInTouch` when the customer answered it, else this. A sync that turns it from true to false after a keep-in-touch \"yes\" is the latest answer and a \"no\": it withdraws keep-in-touch too (recorded as `customer_sync`; the keep-in-touch question offers 再開のご案内や新商品のお知らせ, which a marketing opt-out refuses). A later consent does not turn a keep-in-touch \"no\" into a \"yes\".",
    }),
    acquisitionSource: AcquisitionSource.nullable(),
    keepInTouch: z.boolean().nullable().openapi({ description: "Whether the customer wants to hear from the shop after cancelling (asked in the cancel flow; separate from marketing consent). null: never answered." }),
    keepInTouchAt: Instant.nullable().openapi({ description: "When `keepInTouch` was last answered or withdrawn." }),
    profilingOptOut: z.boolean().openapi({
      description:
        "The customer asked to be left out of profiling (個人情報保護法 §35 利用停止, CCPA/CPRA opt-out of automated decision-making and profiling, GDPR Art. 21 objection). While true: no risk score is computed or stored for them (the risk answers and the data dip give `band: null` with `notScoredReason: \"profiling_opt_out\"`; they are not in the at-risk list), cancel-flow offers follow the reason they give but not their risk or history, their win-back records are not scored and they are not contacted for win-back. Switching it on deletes their stored risk rows and win-back scores; switching it off computes them again.",
    }),
    profilingOptOutAt: Instant.nullable().openapi({ description: "When `profilingOptOut` was last switched on or off (its evidence, with the path it came by, is in the customer export)." }),
    createdAt: Instant,
    updatedAt: Instant,
    warnings: z.array(SyncWarning).optional().openapi({ description: "Only in the answer of `PUT /v1/customers/{customerId}`, when the sync did not take part of the body (the rest was applied)." }),
  })
  .openapi("Customer");

export const UpsertCustomerBody = z
  .strictObject({
    name: shownName(z.string().trim().max(200)).nullish().openapi({ description: "The customer's name as operators see it. White space at either end (U+0020, U+3000, tabs, U+FEFF) is removed, and zero-width characters a name never needs (U+200B, U+2060, U+FEFF anywhere; U+200C and U+200D except where they join letters or an emoji sequence: `山田\u200B太郎` is 山田太郎); the rest is stored as sent. Refused: blank or only invisible characters (U+200B, U+2060…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "佐藤 花子" }),
    nameKana: shownName(z.string().trim().max(200))
      .refine((v) => KANA_READING.test(withoutZeroWidth(v)), { message: "Write the reading in katakana or hiragana (spaces, ー and ・ allowed)", params: { form: "kana" } })
      .nullish()
      .openapi({
        description:
          "The name's reading (フリガナ: katakana, hiragana or half-width katakana; spaces, ー and ・ between parts), trimmed as `name` is and stored as sent. Operators find the customer by it as by `name` in the console's search, however a caller's name is typed (width, katakana or hiragana, spaces, long vowels and small kana folded). Omitted or null: none. Refused: any other script (a reading in kanji), as `validation_failed`.",
        example: "サトウ ハナコ",
      }),
    email: z
      .string()
      .max(320)
      .nullish()
      .refine((v) => v === null || v === undefined || normalizeEmail(v) !== null, { message: "Not a valid e-mail address", params: { form: "email" } })
      .openapi({
        description: "Trimmed, width-folded (NFKC) and with the domain lower-cased before it is checked; stored in that form.",
        example: "hanako.sato@example.jp",
      }),
    phone: z
      .string()
      .max(40)
      .nullish()
      .openapi({
        description: "Any national form of the shop's `country` (settings; `JP` unless set: `090-1234-5678`; `US`: `(415) 555-0132`) or any international form (`+1 415 555 0132`), with an extension if any (`03-1234-5678 ext. 123`, `内線123`, `x204`); stored as E.164, the extension in `phoneExtension`.",
        example: "090-1234-5678",
      }),
    phoneExtension: z
      .string()
      .regex(/^\d{1,10}$/u)
      .nullish()
      .openapi({ description: "The extension, when not written in `phone` (an extension in `phone` wins).", example: "123" }),
    locale: Locale.nullish(),
    createdAt: Instant.optional().openapi({ description: "When the customer joined the shop. Defaults to the first sync. At most 5 minutes ahead of the server's clock; later → `validation_failed`." }),
    marketingConsent: z.boolean().optional().default(false),
    postalCode: z
      .string()
      .max(20)
      .nullish()
      .openapi({ description: "The postal code in the shop's `country` (settings). JP (the default): 郵便番号 in any form (150-0041, １５００００４１, 〒150-0041), stored as seven digits. US: a ZIP code 90012 or ZIP+4 90012-1234, stored so. Elsewhere: 2–10 letters and digits, stored upper-cased. Used by the checkout check.", example: "150-0041" }),
    address: z
      .string()
      .trim()
      .max(300)
      .nullish()
      .openapi({ description: "The address line, one string (prefecture to room). Used by the checkout check, folded for matching.", example: "東京都渋谷区神南1-2-3 サンハイツ101" }),
    acquisitionSource: AcquisitionSource.nullish().openapi({ description: "Omitted: kept as stored; null clears it." }),
    keepInTouch: z
      .boolean()
      .nullish()
      .openapi({
        description:
          "The customer's keep-in-touch answer as your my-page records it, e.g. `false` to withdraw: recorded with its time as evidence (source `customer_sync`). Omitted or null (as `GET` answers a customer who never answered): kept as stored. `true` does not overturn a \"no\" the customer gave themselves (cancel flow, my-page session, operator, API): the \"no\" stays, nothing is recorded, and the answer says so (`warnings`: `keep_in_touch_kept`).",
      }),
    profilingOptOut: z
      .boolean()
      .nullish()
      .openapi({
        description:
          "The customer's request to be left out of profiling, as your shop recorded it: `true` switches it on, `false` off; recorded with its time as evidence (source `customer_sync`) and in the audit log (`customer.profiling_changed`). Omitted or null: kept as stored.",
      }),
    ...readOnlyFields({ id: z.string(), keepInTouchAt: Instant.nullable(), profilingOptOutAt: Instant.nullable(), updatedAt: Instant }),
  })
  .openapi("UpsertCustomer");

export const ProfilingOptOut = z
  .object({
    customerId: z.string(),
    profilingOptOut: z.boolean().openapi({ description: "Whether the customer is left out of profiling now (see `Customer.profilingOptOut`)." }),
    profilingOptOutAt: Instant.nullable().openapi({ description: "When it was last switched on or off; null: never." }),
  })
  .openapi("ProfilingOptOut");

export const PutProfilingOptOutBody = z
  .strictObject({ profilingOptOut: z.boolean().openapi({ description: "`true`: leave me out of profiling; `false`: withdraw that. Always possible." }) })
  .openapi("PutProfilingOptOut");

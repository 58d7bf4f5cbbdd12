import { Validator } from "@cfworker/json-schema";
import { DOCUMENT_ID, documentWithId, type SchemaCheck } from "./contract";

/**
 * The workerd suite's SchemaCheck: @cfworker/json-schema (2020-12), which interprets schemas
 * instead of compiling them with `new Function` (forbidden in workerd).
 */
export function cfworkerCheck(): SchemaCheck {
  const document = documentWithId();
  const validators = new Map<string, Validator>();
  return (pointer, data) => {
    let validator = validators.get(pointer);
    if (!validator) {
      validator = new Validator({ $ref: DOCUMENT_ID + pointer }, "2020-12", false);
      validator.addSchema(document as never);
      validators.set(pointer, validator);
    }
    const result = validator.validate(data);
    if (result.valid) return [];
    // The leaf errors say what is wrong; "$ref"/"properties"/"allOf" ones only say where.
    const leaves = result.errors.filter((e) => !["$ref", "properties", "items", "allOf"].includes(e.keyword));
    return (leaves.length > 0 ? leaves : result.errors).map((e) => `${e.instanceLocation} ${e.error}`);
  };
}

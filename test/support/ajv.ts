import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { DOCUMENT_ID, documentWithId, type SchemaCheck } from "./contract";

/** Ajv 2020 over openapi.json: OpenAPI's own keywords (`example`, …) are annotations to it. */
export function openApiAjv() {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(documentWithId());
  return ajv;
}

/** The Node suite's SchemaCheck: Ajv 2020, one compiled validator per schema location. */
export function ajvCheck(): SchemaCheck {
  const ajv = openApiAjv();
  const compiled = new Map<string, ValidateFunction>();
  return (pointer, data) => {
    let validate = compiled.get(pointer);
    if (!validate) compiled.set(pointer, (validate = ajv.compile({ $ref: DOCUMENT_ID + pointer })));
    return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

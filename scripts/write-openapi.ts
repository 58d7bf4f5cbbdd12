import { writeFileSync } from "node:fs";
import { openApiJson } from "../src/app";

// `npm run openapi`: regenerate the committed openapi.json from the route definitions.
writeFileSync(new URL("../openapi.json", import.meta.url), openApiJson());
console.log("openapi.json written");

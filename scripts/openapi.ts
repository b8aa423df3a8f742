// Writes the API's OpenAPI document to sdk/openapi.json (what the SDKs are generated from):
// `npm run api:openapi`. `npm run sdk:generate` runs this, then every SDK's generator.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { openApiDocument } from "../server/api/rest/openapi";

const out = path.join(import.meta.dirname, "..", "sdk", "openapi.json");
writeFileSync(out, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out)}`);
process.exit(0);

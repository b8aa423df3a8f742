// A step of `npm run sdk:generate`: sdk/openapi.json → sdk/typescript/src/schema.d.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateTypescript } from "../../sdk/generators/typescript";
import { writeGenerated } from "./write-generated";

const document = readFileSync(path.join(import.meta.dirname, "../../sdk/openapi.json"), "utf8");
// openapi-typescript is asynchronous: generate first, then hand the files over.
const files = await generateTypescript(JSON.parse(document));
writeGenerated("sdk/typescript", () => files);

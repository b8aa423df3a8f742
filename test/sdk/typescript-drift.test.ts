// The checked-in API description and TypeScript SDK types match the code: sdk/openapi.json
// is what the routed procedures generate today, and schema.d.ts is what openapi-typescript
// makes of that document. Either drifting fails with the command that fixes it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateTypescript } from "../../sdk/generators/typescript";
import { openApiDocument } from "../../server/api/rest/openapi";
import { drifted, HINT, SDK } from "./drift";

describe("the TypeScript SDK", () => {
  it("sdk/openapi.json is the document the code generates", async () => {
    const current = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
    const checkedIn = readFileSync(path.join(SDK, "openapi.json"), "utf8");
    expect(
      checkedIn === current,
      `sdk/openapi.json ${HINT.replace("sdk/openapi.json", "the code")}`,
    ).toBe(true);
  });

  it("src/schema.d.ts is what openapi-typescript makes of the code's document", async () => {
    const files = await generateTypescript(await openApiDocument());
    expect([...files.keys()]).toEqual(["src/schema.d.ts"]);
    expect(drifted("typescript", files), HINT).toEqual([]);
  });
});

// The Python SDK's generated files are what sdk/openapi.json gives today, byte for byte, and
// the generator gives the same bytes twice.
import { describe, expect, it } from "vitest";
import { generatePython } from "../../sdk/generators/python";
import { drifted, HINT, openApiDocument } from "./drift";

describe("the Python SDK", () => {
  it("is generated from the checked-in OpenAPI document", () => {
    const files = generatePython(openApiDocument());
    expect([...files.keys()]).toEqual(["patronus/models.py", "patronus/_operations.py"]);
    expect(drifted("python", files), HINT).toEqual([]);
    expect(generatePython(openApiDocument())).toEqual(files);
  });
});

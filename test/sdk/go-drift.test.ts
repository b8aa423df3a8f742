// The Go SDK's generated files are what sdk/openapi.json gives today, byte for byte, and the
// generator gives the same bytes twice.
import { describe, expect, it } from "vitest";
import { generateGo } from "../../sdk/generators/go";
import { drifted, HINT, openApiDocument } from "./drift";

describe("the Go SDK", () => {
  it("is generated from the checked-in OpenAPI document", () => {
    const files = generateGo(openApiDocument());
    expect([...files.keys()]).toEqual(["models_gen.go", "operations_gen.go"]);
    expect(drifted("go", files), HINT).toEqual([]);
    expect(generateGo(openApiDocument())).toEqual(files);
  });
});

// The generators against a small hand-written OpenAPI document with the shapes that break
// naive generators: nullable (3.0 and 3.1 spellings), enums (string, integer, nullable),
// anyOf of primitives, oneOf of objects, nested arrays, additionalProperties, a schema that
// refers to itself, allOf, int64 bounds, and names that are reserved words in Python or Go.
// (python-sdk.int.test.ts and go-sdk.int.test.ts compile and run the same output.)
import { describe, expect, it } from "vitest";
import { generateGo } from "../../sdk/generators/go";
import { alignColumns } from "../../sdk/generators/go-format";
import { buildModel } from "../../sdk/generators/openapi-model";
import { generatePython } from "../../sdk/generators/python";
import { trickyDocument } from "./drift";

const doc = trickyDocument;

describe("the OpenAPI model", () => {
  const model = buildModel(doc());

  it("sorts operations by operationId and names types from operationId and role", () => {
    expect(model.operations.map((o) => o.id)).toEqual([
      "thing.create",
      "thing.delete",
      "thing.list",
      "thing.replace",
    ]);
    expect(model.basePath).toBe("/v2");
    const names = model.types.map((t) => t.name.join(" "));
    expect(names).toEqual([
      "thing create request",
      "node",
      "color",
      "thing list response",
      "thing list response item",
      "thing list response item level",
      "thing list response item mode",
      "thing list response item shape variant1",
      "thing list response item shape variant2",
      "thing list response item owner",
      "thing list response item metrics value",
      "thing list response item both",
      "list2",
      "response2",
    ]);
  });

  it("keeps clear of the names the SDKs' own code uses", () => {
    const py = generatePython(doc()).get("patronus/models.py")!;
    expect(py).toContain("class Response2(_c.Model):");
    expect(py).toContain('List2 = Literal["a"]');
    expect(generateGo(doc()).get("models_gen.go")).toContain("type Response2 struct {");
  });

  it("finds pages, void answers and nullable answers", () => {
    const [create, del, list, replace] = model.operations;
    expect(list?.page?.item).toEqual({
      kind: "named",
      name: ["thing", "list", "response", "item"],
    });
    expect(del?.response).toBeUndefined();
    expect(create?.response).toEqual({
      kind: "nullable",
      inner: { kind: "named", name: ["node"] },
    });
    expect(replace?.response).toEqual({ kind: "map", values: { kind: "integer", wide: false } });
    expect(list?.params.find((p) => p.name === "range")?.type).toEqual({
      kind: "integer",
      wide: true,
    });
  });

  it("does not depend on the order of the document's paths", () => {
    const d = doc();
    const reversed = {
      ...d,
      paths: Object.fromEntries(Object.entries(d.paths as object).reverse()),
    };
    expect(generatePython(reversed)).toEqual(generatePython(d));
    expect(generateGo(reversed)).toEqual(generateGo(d));
  });
});

describe("the Python generator", () => {
  const models = generatePython(doc()).get("patronus/models.py")!;
  const ops = generatePython(doc()).get("patronus/_operations.py")!;

  it("spells reserved and odd names as Python identifiers and keeps the JSON names", () => {
    for (const line of [
      '_c.F("type_", "type", _c.STR, True),',
      '_c.F("class_", "class", _c.STR, False),',
      '_c.F("from_", "from", _c.STR, False),',
      '_c.F("n1st", "1st", _c.STR, False),',
      '_c.F("e_mail", "e-mail", _c.STR, False),',
      '_c.F("id2", "ID", _c.STR, False),',
    ])
      expect(models).toContain(line);
    expect(ops).toContain("        type_: str,\n        *,\n        range: int,");
  });

  it("types nullable, enums, unions, nested arrays and maps", () => {
    for (const line of [
      "    default: Optional[str] = None",
      "ThingListResponseItemLevel = Literal[1, 2, 3]",
      "    value: Optional[Union[str, float, bool]] = None",
      "    shape: Optional[Union[ThingListResponseItemShapeVariant1, ThingListResponseItemShapeVariant2]] = None",
      "    matrix: Optional[List[List[float]]] = None",
      "    metrics: Optional[Dict[str, ThingListResponseItemMetricsValue]] = None",
      "    extra: Optional[Dict[str, Any]] = None",
      "    deleted_at: Optional[datetime] = None",
      "    children: Optional[List[Node]] = None",
    ])
      expect(models).toContain(line);
    expect(ops).toContain(") -> Optional[m.Node]:");
    expect(ops).toContain("def iterate_thing_list(self, type_: str, **kwargs: Any)");
  });
});

describe("the Go generator", () => {
  const models = generateGo(doc()).get("models_gen.go")!;
  const ops = generateGo(doc()).get("operations_gen.go")!;

  it("spells reserved names, keeps JSON names in tags, uses pointers for optional values", () => {
    for (const line of [
      '\tID2       *string                                       `json:"ID,omitempty"`',
      '\tType string `json:"type"`',
      "\tX1st      *string ",
      "\tRange     *int64 ",
      "\tMatrix    *[][]float64 ",
      "\tMetrics   *map[string]ThingListResponseItemMetricsValue ",
      "\tValue     any ",
      "\tUpdatedAt time.Time ",
      "\tDeletedAt *time.Time ",
      '\tColorDarkBlue Color = "dark-blue"',
      "\tThingListResponseItemLevel2 ThingListResponseItemLevel = 2",
    ])
      expect(models).toContain(line);
    expect(ops).toContain(
      "func (c *Client) ThingList(ctx context.Context, type_ string, range_ int64, params *ThingListParams, opts ...CallOption) (*ThingListResponse, error) {",
    );
    expect(ops).toContain("(map[string]int, error)");
    expect(ops).toContain("func (c *Client) ThingListPager(type_ string, range_ int64");
  });

  it("aligns columns as gofmt does and keeps comments on one line", () => {
    expect(
      alignColumns([
        ["A", "string", '`json:"a"`'],
        ["Long", "*int", "`x`"],
      ]),
    ).toEqual(['A    string `json:"a"`', "Long *int   `x`"]);
    expect(ops).toContain("//\n// Lists things - with a list that gofmt must not reformat\nfunc");
    expect(models).toContain("\t// Type: reserved in Python and Go");
  });
});

// YAML input files fail with the file, line, column and field of the first problem.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../cli/errors";
import { parseYamlFile } from "../../cli/yaml-input";

const ZFile = z.strictObject({
  rules: z.array(z.strictObject({ name: z.string(), priority: z.number().int() })),
});
const parse = (text: string) => parseYamlFile("rules.yaml", text, ZFile);

describe("parseYamlFile", () => {
  it("answers the parsed value", () => {
    expect(parse("rules:\n  - name: a\n    priority: 1\n")).toEqual({
      rules: [{ name: "a", priority: 1 }],
    });
  });

  it("names the line, column and field of a wrong value", () => {
    const text = "rules:\n  - name: a\n    priority: 1\n  - name: b\n    priority: high\n";
    expect(() => parse(text)).toThrow(InputError);
    expect(() => parse(text)).toThrow(/^rules\.yaml:5:15: rules\[1\]\.priority: /);
  });

  it("points a missing field at its object, and an unknown one by name", () => {
    expect(() => parse("rules:\n  - name: a\n")).toThrow(
      /^rules\.yaml:2:5: rules\[0\]\.priority: /,
    );
    expect(() => parse("rules:\n  - name: a\n    priority: 1\n    prio: 2\n")).toThrow(
      /^rules\.yaml:4:11: rules\[0\]: .*"prio"/,
    );
  });

  it("reports a syntax error and a duplicate key with their line", () => {
    expect(() => parse("rules:\n  - name: [a\n")).toThrow(/^rules\.yaml:\d+:\d+: /);
    expect(() => parse("rules: []\nrules: []\n")).toThrow(/^rules\.yaml:2:1: .*[Uu]nique/);
  });
});

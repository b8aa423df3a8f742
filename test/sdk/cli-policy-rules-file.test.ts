// The rules file of `patronus policy apply`: the API's shapes and bounds, defaults filled in,
// one rule a place (site and priority), and every problem named by file:line:col and field.
import { describe, expect, it } from "vitest";
import { InputError } from "../../cli/errors";
import { parseRulesFile, placeOf } from "../../cli/policy/rules-file";

const parse = (text: string) => parseRulesFile("rules.yaml", text);
const rule = (extra = "") =>
  `  - priority: 100\n    action: allow\n    src: 10.0.0.0/8\n    dst: 10.1.0.0/16\n${extra}`;

describe("parseRulesFile", () => {
  it("answers the rules with the API's defaults", () => {
    expect(parse(`rules:\n${rule()}`)).toEqual([
      {
        siteId: null,
        priority: 100,
        action: "allow",
        src: "10.0.0.0/8",
        dst: "10.1.0.0/16",
        proto: "any",
        ports: null,
        description: "",
      },
    ]);
    const full = parse(
      `rules:\n${rule("    siteId: s1\n    proto: tcp\n    ports: { lo: 80, hi: 443 }\n    description: web\n")}`,
    );
    expect(full[0]).toMatchObject({ siteId: "s1", proto: "tcp", ports: { lo: 80, hi: 443 } });
    expect(parse("rules: []\n")).toEqual([]);
  });

  it("names the place of a rule by site and priority", () => {
    expect(placeOf({ siteId: null, priority: 100 })).toBe("*#100");
    expect(placeOf({ siteId: "site_1", priority: 7 })).toBe("site_1#7");
  });

  it("refuses wrong types, bounds and unknown fields with the line and field", () => {
    expect(() => parse(`rules:\n${rule()}  - priority: high\n`)).toThrow(InputError);
    expect(() => parse(`rules:\n${rule()}  - priority: high\n`)).toThrow(
      /^rules\.yaml:6:15: rules\[1\]\.priority: /,
    );
    expect(() => parse(`rules:\n${rule().replace("100", "100001")}`)).toThrow(
      /^rules\.yaml:2:15: rules\[0\]\.priority: /,
    );
    expect(() => parse(`rules:\n${rule().replace("10.0.0.0/8", "10.0.0.300/8")}`)).toThrow(
      /^rules\.yaml:4:10: rules\[0\]\.src: not a valid IPv4 prefix/,
    );
    expect(() => parse(`rules:\n${rule("    action2: deny\n")}`)).toThrow(
      /^rules\.yaml:6:14: rules\[0\]: .*"action2"/,
    );
    expect(() => parse(`rules:\n${rule("    ports: { lo: 80, hi: 80 }\n")}`)).toThrow(
      /rules\[0\]\.ports: ports apply only to tcp or udp/,
    );
    expect(() =>
      parse(`rules:\n${rule("    proto: tcp\n    ports: { lo: 90, hi: 80 }\n")}`),
    ).toThrow(/rules\[0\]\.ports: the first port/);
    expect(() => parse(`rules:\n${rule("    description: 1\n")}`)).toThrow(
      /rules\[0\]\.description: /,
    );
  });

  it("refuses two rules at one place, naming the second", () => {
    expect(() => parse(`rules:\n${rule()}${rule()}`)).toThrow(
      /^rules\.yaml:6:15: rules\[1\]\.priority: rules\[0\] has the same site and priority \(\*#100\)/,
    );
    expect(parse(`rules:\n${rule()}${rule("    siteId: s1\n")}`)).toHaveLength(2);
  });
});

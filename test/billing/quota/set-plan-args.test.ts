import { describe, expect, it } from "vitest";
import { parseSetPlanArgs } from "../../../server/domains/billing/services/subscription/set-plan-args";

describe("billing:set-plan arguments", () => {
  it("reads a plan with limits, and --clear", () => {
    expect(
      parseSetPlanArgs([
        "--org",
        "acme",
        "--plan",
        "enterprise",
        "--sites",
        "40",
        "--api-keys",
        "9",
        "--included-gb",
        "2.5",
      ]),
    ).toEqual({
      orgSlug: "acme",
      plan: "enterprise",
      limits: { sites: 40, apiKeys: 9, includedGb: 2.5 },
    });
    expect(parseSetPlanArgs(["--org", "acme", "--clear"])).toEqual({
      orgSlug: "acme",
      clear: true,
    });
  });

  it("refuses bad input with a message that says what is wrong", () => {
    const cases: [string[], RegExp][] = [
      [["--plan", "free"], /--org <slug> is required/],
      [["--org", "x"], /--plan must be enterprise, standard or free \(got none\)/],
      [["--org", "x", "--plan", "gold"], /\(got gold\)/],
      [
        ["--org", "x", "--plan", "free", "--sites=-1"],
        /--sites must be a non-negative whole number \(got -1\)/,
      ],
      [
        ["--org", "x", "--plan", "free", "--devices", "many"],
        /--devices must be a non-negative whole number/,
      ],
      [
        ["--org", "x", "--plan", "free", "--members", "2.5"],
        /--members must be a non-negative whole number/,
      ],
      [
        ["--org", "x", "--plan", "free", "--included-gb", "1e3"],
        /--included-gb must be a non-negative number/,
      ],
      [["--org", "x", "--clear", "--plan", "free"], /--clear takes no --plan or limits/],
      [["--org", "x", "--bogus"], /Unknown option '--bogus'/],
      [["--org", "x", "--sites", "-1"], /ambiguous/],
    ];
    for (const [args, message] of cases)
      expect(() => parseSetPlanArgs(args), args.join(" ")).toThrow(message);
  });
});

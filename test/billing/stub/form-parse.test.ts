// Stripe's bracket-notation bodies, as the SDK encodes them.
import { describe, expect, it } from "vitest";
import { parseForm } from "../../../tools/stripe-stand-in/form-parse";
import { list, metadata, str } from "../../../tools/stripe-stand-in/params";

describe("stripe stub form parsing", () => {
  it("nests brackets, keeps arrays in index order and appends `[]`", () => {
    const form = parseForm(
      "items[1][id]=si_2&items[0][id]=si_1&items[0][quantity]=3&expand[]=a&expand[]=b&metadata[0]=zero&x=a+b%26c",
    );
    expect(list(form, "items").map((i) => (i as Record<string, string>).id)).toEqual([
      "si_1",
      "si_2",
    ]);
    expect(str(form, "items[0][quantity]")).toBe("3");
    expect(list(form, "expand")).toEqual(["a", "b"]);
    expect(metadata(form)).toEqual({ 0: "zero" }); // metadata stays an object
    expect(str(form, "x")).toBe("a b&c");
  });

  it("refuses a key used both as a value and an object, and prototype keys", () => {
    expect(() => parseForm("a=1&a[b]=2")).toThrow(/Invalid value for a\[b\]/);
    expect(() => parseForm("a[b]=2&a=1")).toThrow(/Invalid value for a/);
    expect(() => parseForm("__proto__[polluted]=1")).toThrow(/Invalid parameter name/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

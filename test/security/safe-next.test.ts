// Class 7 of the hardening issue: the page a user lands on after sign-in or sign-up stays
// on the site, whatever `next` says. Before the fix a backslash (`/\evil.example`), a tab
// or newline, or a dot segment (`/.//evil.example`) became a protocol-relative URL in the
// browser. The same inputs run in Chromium in e2e/security.spec.ts.
import { describe, expect, it } from "vitest";
import { safeNext } from "../../app/_lib/safe-next";

describe("safeNext", () => {
  it.each([
    ["another site", "https://evil.example/x"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash", "/\\evil.example"],
    ["two backslashes", "/\\\\evil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["encoded slashes", "/%2F%2Fevil.example"],
    ["a mixed-case encoded slash", "/%2f/evil.example"],
    ["a tab", "/\t/evil.example"],
    ["a newline", "/\n/evil.example"],
    ["an encoded tab", "/%09/evil.example"],
    ["a NUL", "/\u0000/evil.example"],
    ["a dot segment", "/.//evil.example"],
    ["dot-dot segments", "/a/..//evil.example"],
    ["a scheme", "javascript:alert(1)"],
    ["a relative path", "evil.example"],
    ["bad percent-encoding", "/%E0%A4%A"],
    ["nothing", ""],
  ])("refuses %s", (_name, next) => {
    expect(safeNext(next)).toBe("/orgs");
  });

  it("keeps a path of the site, with its query and fragment", () => {
    expect(safeNext("/o/acme/sites?tab=1#top")).toBe("/o/acme/sites?tab=1#top");
    expect(safeNext("/invite/abc")).toBe("/invite/abc");
    expect(safeNext(null, "/home")).toBe("/home");
  });
});

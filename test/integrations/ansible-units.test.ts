// The collection's Python units (integrations/ansible/tests/unit): the client's retries on
// 429/503 with Retry-After, problem details, cursors, and the compare/merge rules.
import { describe, expect, it } from "vitest";
import { ANSIBLE_ROOT, runAnsible, shown } from "./ansible-cli";

describe("the Ansible collection's Python units", () => {
  it("pass under Debian's python3", async () => {
    const run = await runAnsible(
      "/usr/bin/python3",
      ["-m", "unittest", "discover", "-v", "-s", "tests/unit"],
      { PATH: process.env.PATH ?? "/usr/bin:/bin", PYTHONDONTWRITEBYTECODE: "1" },
      ANSIBLE_ROOT,
    );
    expect(run.code, shown(run)).toBe(0);
    expect(run.stderr).toMatch(/^OK$/m);
  }, 60_000);
});

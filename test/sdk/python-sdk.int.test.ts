// The Python SDK's own tests (sdk/python/tests, standard unittest) against the real REST API
// on loopback: pages, a site's life, typed errors, idempotent creates, retries through a
// fault-injecting proxy. Debian's /usr/bin/python3, stdlib only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatePython } from "../../sdk/generators/python";
import { FIXTURES, trickyDocument } from "./drift";
import { expectSuccess, run, sdkCopy, useLiveApi } from "./live-sdk";

const ROOT = path.resolve(import.meta.dirname, "../..");
const live = useLiveApi();
const scratch = mkdtempSync(path.join(tmpdir(), "patronus-py-sdk-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the Python SDK", () => {
  it("passes its live tests against the API", { timeout: 300_000 }, async () => {
    const result = await run(
      "/usr/bin/python3",
      ["-m", "unittest", "discover", "-s", "sdk/python/tests", "-v"],
      { cwd: ROOT, env: { ...live.env, PYTHONDONTWRITEBYTECODE: "1" } },
    );
    expectSuccess("python3 -m unittest", result);
    expect(result.output).not.toMatch(/skipped/);
    expect(result.output).not.toContain(live.env.PATRONUS_API_KEY);
  });

  it("example lists every site", async () => {
    const result = await run(
      "/usr/bin/python3",
      ["sdk/python/examples/list_sites.py", live.env.PATRONUS_ORG!],
      { cwd: ROOT, env: { ...live.env, PYTHONDONTWRITEBYTECODE: "1" } },
    );
    expectSuccess("examples/list_sites.py", result);
    expect(result.output).toContain("site-00000\t");
    expect(result.output).toContain("site-00119\t");
  });

  it("generated from the tricky fixture, decodes and encodes its sample", async () => {
    const doc = trickyDocument();
    const runtime = ["__init__.py", "_codec.py", "client.py", "errors.py"].map(
      (f) => `patronus/${f}`,
    );
    sdkCopy(scratch, path.join(ROOT, "sdk/python"), runtime, generatePython(doc));
    const result = await run(
      "/usr/bin/python3",
      [path.join(FIXTURES, "tricky_check.py"), scratch, path.join(FIXTURES, "tricky.sample.json")],
      { cwd: scratch, env: { PYTHONDONTWRITEBYTECODE: "1" } },
    );
    expectSuccess("tricky_check.py", result);
    expect(result.output).toContain("tricky fixture: ok");
  });
});

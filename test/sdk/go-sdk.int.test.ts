// The Go SDK's own tests (sdk/go, `go test`) against the real REST API on loopback: pages,
// a site's life, typed errors, idempotent creates, retries through a fault-injecting proxy;
// then `go vet` and `gofmt -l`. Go 1.19 from Debian, stdlib only: no module proxy, and a
// build cache of its own that the test removes.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateGo } from "../../sdk/generators/go";
import { FIXTURES, trickyDocument } from "./drift";
import { expectSuccess, run, sdkCopy, useLiveApi } from "./live-sdk";

const GO_DIR = path.resolve(import.meta.dirname, "../../sdk/go");
const live = useLiveApi();
const home = mkdtempSync(path.join(tmpdir(), "patronus-go-sdk-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const goEnv = () => ({
  ...live.env,
  HOME: home,
  GOPATH: path.join(home, "gopath"),
  GOCACHE: path.join(home, "gocache"),
  GOPROXY: "off",
  GOFLAGS: "-mod=mod",
  GOTOOLCHAIN: "local",
  CGO_ENABLED: "0",
});

describe("the Go SDK", () => {
  // The first compile of the standard library on two busy cores takes a while.
  it("passes its live tests against the API, vet-clean and gofmt-clean", {
    timeout: 300_000,
  }, async () => {
    const test = await run("go", ["test", "-count=1", "-v", "./..."], {
      cwd: GO_DIR,
      env: goEnv(),
    });
    expectSuccess("go test", test);
    expect(test.output).not.toMatch(/--- SKIP/);
    expect(test.output).not.toContain(live.env.PATRONUS_API_KEY);
    expectSuccess("go vet", await run("go", ["vet", "./..."], { cwd: GO_DIR, env: goEnv() }));
    const fmt = await run("gofmt", ["-l", "."], { cwd: GO_DIR, env: goEnv() });
    expectSuccess("gofmt", fmt);
    expect(fmt.output.trim()).toBe("");
  });

  it("example lists every site", { timeout: 300_000 }, async () => {
    const args = ["run", "./examples/list-sites", live.env.PATRONUS_ORG!];
    const result = await run("go", args, { cwd: GO_DIR, env: goEnv() });
    expectSuccess("go run ./examples/list-sites", result);
    expect(result.output).toContain("\tsite-00000\t");
    expect(result.output).toContain("\tsite-00119\t");
  });

  it("generated from the tricky fixture, compiles vet- and gofmt-clean and round-trips its sample", {
    timeout: 300_000,
  }, async () => {
    const doc = trickyDocument();
    const dir = path.join(home, "tricky");
    mkdirSync(dir);
    const extra = ["tricky_test.go", "tricky.sample.json"].map((f) => path.join(FIXTURES, f));
    sdkCopy(dir, GO_DIR, ["go.mod", "client.go", "errors.go", "pager.go"], generateGo(doc), extra);
    expectSuccess("go vet", await run("go", ["vet", "."], { cwd: dir, env: goEnv() }));
    expectSuccess(
      "go test",
      await run("go", ["test", "-count=1", "."], { cwd: dir, env: goEnv() }),
    );
    const fmt = await run("gofmt", ["-l", "."], { cwd: dir, env: goEnv() });
    expect(fmt.output.trim()).toBe("");
  });
});

// The `patronus` CLI as a user runs it: a child process (node --import tsx cli/index.ts)
// against the real REST API on loopback, with its config in a temporary HOME.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOrg, type RestPage, useApiServer } from "../../testkit/api-server";
import { until } from "../../testkit/wait";

const ROOT = path.resolve(import.meta.dirname, "../..");
const server = useApiServer();
const home = mkdtempSync(path.join(tmpdir(), "patronus-cli-"));
const config = path.join(home, "config", "patronus.json");
let org: Awaited<ReturnType<typeof apiOrg>>;

beforeAll(async () => {
  org = await apiOrg({ sites: 3 });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Starts the CLI (asynchronously: the API answers from this process). */
function start(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PATRONUS_CONFIG: config,
  };
  for (const name of ["PATRONUS_URL", "PATRONUS_API_KEY", "PATRONUS_ORG"]) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "cli/index.ts", ...args], {
    cwd: ROOT,
    env: { ...env, ...opts.env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(opts.input ?? "");
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { done, stdout: () => stdout };
}

/** Runs the CLI to its end. */
const patronus = (args: string[], opts: Parameters<typeof start>[1] = {}) => start(args, opts).done;

describe("the patronus CLI", () => {
  it("logs in, keeping the key in a 0600 file and off the output", async () => {
    const refused = await patronus([
      "login",
      "--url",
      server.url,
      "--api-key",
      "pat_nope",
      "--org",
      org.slug,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/request id: \S+/);

    const done = await patronus(
      ["login", "--url", server.url, "--api-key", "-", "--org", org.slug],
      {
        input: `${org.token}\n`,
      },
    );
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(done.stdout).not.toContain(org.token);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, "utf8"))).toEqual({
      url: server.url,
      apiKey: org.token,
      org: org.slug,
    });
  });

  it("lists the sites as JSON and as a table", async () => {
    const json = await patronus(["sites", "list", "--json"]);
    expect(json.code).toBe(0);
    const sites = JSON.parse(json.stdout) as { name: string }[];
    expect(sites.map((s) => s.name)).toEqual(["site-00000", "site-00001", "site-00002"]);
    const text = await patronus(["sites", "list"]);
    expect(text.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+DEVICES\s+ONLINE\s+CREATED$/);
    expect(text.stdout).toContain("site-00002");
  });

  it("takes PATRONUS_ORG over the saved org, and fails with the API's detail and request id", async () => {
    const other = await patronus(["sites", "list"], {
      env: { PATRONUS_ORG: `no-such-${org.slug}` },
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/NOT_FOUND, HTTP 404/);
    expect(other.stderr).toMatch(/request id: \S+/);
  });

  it("answers usage errors with exit 2 and help with 0", async () => {
    expect((await patronus(["sites", "list", "--bogus"])).code).toBe(2);
    expect((await patronus(["nothing"])).code).toBe(2);
    const help = await patronus(["sites", "list", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--json");
  });

  it("shows the current rollout, and --watch follows it until it completes", async () => {
    const { rolloutOrg, reportApplied } = await import("./cli-fleet");
    const o = await rolloutOrg();
    const env = { PATRONUS_URL: server.url, PATRONUS_ORG: o.slug, PATRONUS_API_KEY: o.token };
    const now = await patronus(["rollout", "status"], { env });
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/^rollout \S+: revision \d+, canary$/m);

    const watch = start(["rollout", "status", "--watch", "--interval", "0.2"], { env });
    await until("the watch shows the canary", () => watch.stdout().includes(", canary"));
    await reportApplied(o.org.id);
    const end = await watch.done;
    expect(end.stdout).toMatch(/revision \d+, completed$/m);
    expect(end.code).toBe(0);
  });

  it("prints completion scripts", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const out = await patronus(["completion", shell]);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain("patronus");
    }
    expect((await patronus(["completion", "tcsh"])).code).toBe(2);
  });
});

describe("patronus policy apply", () => {
  let o: Awaited<ReturnType<typeof apiOrg>>;
  let env: Record<string, string>;
  let siteId: string;
  const file = path.join(home, "rules.yaml");

  beforeAll(async () => {
    o = await apiOrg({ sites: 1 });
    env = { PATRONUS_URL: server.url, PATRONUS_ORG: o.slug, PATRONUS_API_KEY: o.token };
    const sites = (await (
      await server.call(o.token, "GET", `/orgs/${o.slug}/sites`)
    ).json()) as RestPage;
    siteId = sites.items[0]!.id;
  });

  /** The org's rules as the API lists them, by place. */
  async function rules() {
    const res = await server.call(o.token, "GET", `/orgs/${o.slug}/policy-rules?limit=500`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as RestPage<{
      siteId: string | null;
      priority: number;
      action: string;
      dst: string;
      ports: { lo: number; hi: number } | null;
    }>;
    return Object.fromEntries(page.items.map((r) => [`${r.siteId ?? "*"}#${r.priority}`, r]));
  }

  const apply = (args: string[] = []) =>
    patronus(["policy", "apply", "-f", file, ...args], { env });

  /** The file's rules, by what the tests change. */
  const web = (action: string) => `  - priority: 100
    action: ${action}
    src: 10.0.0.0/8
    dst: 10.1.0.0/16
    proto: tcp
    ports: { lo: 443, hi: 443 }
    description: web
`;
  const deny200 = "  - priority: 200\n    action: deny\n    src: 0.0.0.0/0\n    dst: 10.2.0.0/16\n";
  const dns = () => `  - siteId: ${siteId}
    priority: 100
    action: allow
    src: 192.168.0.0/24
    dst: 10.3.0.0/16
    proto: udp
    ports: { lo: 53, hi: 53 }
`;
  const allow300 =
    "  - priority: 300\n    action: allow\n    src: 10.0.0.0/8\n    dst: 10.4.0.0/16\n";

  it("plans with --dry-run, applies with --yes, then has no changes", async () => {
    writeFileSync(file, `rules:\n${web("allow")}${deny200}${dns()}`);
    const dry = await apply(["--dry-run"]);
    expect(dry).toMatchObject({ code: 0, stderr: "" });
    expect(dry.stdout).toContain("+ create *#100: allow tcp 10.0.0.0/8 → 10.1.0.0/16:443");
    expect(dry.stdout).toContain("+ create *#200: deny any 0.0.0.0/0 → 10.2.0.0/16");
    expect(dry.stdout).toContain(`+ create ${siteId}#100: allow udp`);
    expect(dry.stdout).toContain("3 to create, 0 to update, 0 to delete");
    expect(await rules()).toEqual({});

    const refused = await apply();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await rules()).toEqual({});

    const done = await apply(["--yes"]);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("Applied 3 change(s).");
    expect(Object.keys(await rules()).sort()).toEqual(["*#100", "*#200", `${siteId}#100`].sort());

    const again = await apply(["--yes"]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(again.stdout).toMatch(/^No changes/);
  });

  it("updates, deletes and creates what an edited file changes", async () => {
    writeFileSync(file, `rules:\n${web("deny")}${dns()}${allow300}`);
    const plan = await apply(["--dry-run", "--json"]);
    expect(plan.code).toBe(0);
    const changes = (JSON.parse(plan.stdout) as { changes: { kind: string; place: string }[] })
      .changes;
    expect(changes.map((c) => [c.kind, c.place])).toEqual([
      ["delete", "*#200"],
      ["update", "*#100"],
      ["create", "*#300"],
    ]);

    const done = await apply(["--yes"]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("- delete *#200: deny any 0.0.0.0/0 → 10.2.0.0/16");
    expect(done.stdout).toContain("~ update *#100: action allow → deny");
    expect(done.stdout).toContain("+ create *#300: allow any 10.0.0.0/8 → 10.4.0.0/16");
    const now = await rules();
    expect(Object.keys(now).sort()).toEqual(["*#100", "*#300", `${siteId}#100`].sort());
    expect(now["*#100"]).toMatchObject({ action: "deny", ports: { lo: 443, hi: 443 } });
    expect((await apply(["--yes"])).stdout).toMatch(/^No changes/);
  });

  it("refuses a bad file with exit 2, naming the line, before calling the API", async () => {
    writeFileSync(
      file,
      "rules:\n  - priority: 100\n    action: allow\n    src: 10.0.0.0/8\n    dst: 42\n",
    );
    const bad = await apply(["--yes"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/rules\.yaml:5:\d+: rules\[0\]\.dst: /);
    expect(Object.keys(await rules())).toHaveLength(3);
  });

  it("fails with the API's detail and request id", async () => {
    writeFileSync(
      file,
      "rules:\n  - siteId: no-such-site\n    priority: 1\n    action: allow\n    src: 10.0.0.0/8\n    dst: 10.0.0.0/8\n",
    );
    const failed = await apply(["--yes"]);
    expect(failed.code).toBe(1);
    // The three deletions went first; the creation at an unknown site was refused.
    expect(failed.stderr).toContain("stopped after 3 of 4 change(s)");
    expect(failed.stderr).toMatch(/HTTP 4\d\d/);
    expect(failed.stderr).toMatch(/request id: \S+/);
  });
});

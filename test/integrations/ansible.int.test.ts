// The Ansible collection patronus.sdwan (integrations/ansible) against the real REST API on
// loopback: each playbook runs in check mode (changed, nothing written), for real
// (changed, written), again (no change), then absent, checked through the API each time.
// The documentation of every plugin parses, a failed call reports the API's problem, and
// the API key never shows in Ansible's output.
import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiOrg, useApiServer } from "../../testkit/api-server";
import { createDeviceRows } from "../../testkit/factories/fleet-db";
import {
  ANSIBLE_ROOT,
  ansibleEnv,
  COLLECTION,
  type PlaybookResult,
  playbookResult,
  runAnsible,
  shown,
  succeeded,
} from "./ansible-cli";

// Ansible starts a Python interpreter per task: slow on a busy 2-core machine. These bound
// a hang; nothing here measures time.
const PLAYBOOK_TEST_MS = 600_000;
const DOC_TEST_MS = 300_000;

const server = useApiServer();
let home: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "patronus-ansible-"));
});
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

type Org = Awaited<ReturnType<typeof apiOrg>>;

async function api<T>(org: Org, pathname: string): Promise<T> {
  const res = await fetch(`${server.url}/api/v1/orgs/${org.slug}${pathname}`, {
    headers: { authorization: `Bearer ${org.token}` },
  });
  if (!res.ok) throw new Error(`GET ${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function send(org: Org, method: string, pathname: string, body: unknown) {
  const res = await fetch(`${server.url}/api/v1/orgs/${org.slug}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
}

interface Named {
  id: string;
  name: string;
  [key: string]: unknown;
}

interface Site extends Named {
  description: string;
  settings: Record<string, unknown>;
}

const sites = async (org: Org) => (await api<{ items: Site[] }>(org, "/sites?limit=500")).items;

/** What overlay.yml manages, read through the API (links in site order). */
async function overlayOf(org: Org) {
  const all = await sites(org);
  const links: Named[] = [];
  for (const site of all)
    links.push(
      ...(await api<{ items: Named[] }>(org, `/sites/${site.id}/wan-links?limit=500`)).items,
    );
  const rules = (await api<{ items: Named[] }>(org, "/policy-rules?limit=500")).items;
  const policies = (await api<{ items: Named[] }>(org, "/steering-policies?limit=500")).items;
  return { sites: all.map((s) => s.name), links, rules, policies };
}

function playbook(
  org: Org,
  file: string,
  o: { check?: boolean; vars?: Record<string, string>; token?: string } = {},
) {
  const vars = { patronus_url: server.url, patronus_org: org.slug, ...o.vars };
  const args = [
    "-i",
    "localhost,",
    "-c",
    "local",
    "--diff",
    path.join(ANSIBLE_ROOT, "tests", file),
  ];
  for (const [k, v] of Object.entries(vars)) args.push("-e", `${k}=${v}`);
  if (o.check) args.push("--check");
  const env = ansibleEnv(home, {
    ANSIBLE_STDOUT_CALLBACK: "json",
    PATRONUS_API_KEY: o.token ?? org.token,
  });
  return runAnsible("ansible-playbook", args, env, home);
}

/** Runs a playbook that must succeed; its results, with the key nowhere in the output. */
async function play(org: Org, file: string, o: Parameters<typeof playbook>[2] = {}) {
  const run = succeeded(await playbook(org, file, o));
  if ((run.stdout + run.stderr).includes(org.token))
    throw new Error(`the API key shows in Ansible's output\n${shown(run)}`);
  return playbookResult(run);
}

const changedTasks = (r: PlaybookResult) =>
  Object.entries(r.tasks)
    .filter(([, t]) => t.changed)
    .map(([name]) => name);

describe("the Ansible collection patronus.sdwan", () => {
  it(
    "documents every module and plugin in a form ansible-doc parses",
    async () => {
      const modules = readdirSync(path.join(COLLECTION, "plugins/modules"))
        .filter((f) => f.endsWith(".py") && !f.startsWith("_"))
        .map((f) => ["module", f.replace(/\.py$/, "")] as const);
      const inventories = readdirSync(path.join(COLLECTION, "plugins/inventory"))
        .filter((f) => f.endsWith(".py") && !f.startsWith("_"))
        .map((f) => ["inventory", f.replace(/\.py$/, "")] as const);
      expect(modules.map(([, m]) => m)).toContain("site");
      for (const [type, name] of [...modules, ...inventories]) {
        const fqcn = `patronus.sdwan.${name}`;
        const run = await runAnsible(
          "ansible-doc",
          ["-t", type, "--json", fqcn],
          ansibleEnv(home),
          home,
        );
        if (run.code !== 0 || /ERROR|WARNING/.test(run.stderr))
          throw new Error(`ansible-doc ${fqcn}\n${shown(run)}`);
        const doc = JSON.parse(run.stdout)[fqcn] as {
          doc: { options: Record<string, { no_log?: boolean }>; short_description: string };
          examples: string;
          return?: Record<string, unknown>;
        };
        expect(doc.doc.short_description, fqcn).toBeTruthy();
        expect(doc.examples, fqcn).toContain(fqcn);
        if (type === "module") {
          expect(Object.keys(doc.doc.options), fqcn).toEqual(
            expect.arrayContaining(["url", "api_key", "org", "state"]),
          );
          expect(doc.return, fqcn).toHaveProperty("id");
        }
      }
    },
    DOC_TEST_MS,
  );

  it(
    "site: check mode writes nothing, a run creates, a second run changes nothing, absent deletes",
    async () => {
      const org = await apiOrg();

      const check = await play(org, "site.yml", { check: true });
      expect(changedTasks(check)).toEqual(["Branch site"]);
      expect(check.tasks["Branch site"]?.diff).toMatchObject({
        before: {},
        after: { name: "ansible-branch" },
      });
      expect(await sites(org)).toEqual([]);

      const first = await play(org, "site.yml");
      expect(first.stats.localhost?.changed).toBe(1);
      const [site] = await sites(org);
      expect(site).toMatchObject({
        name: "ansible-branch",
        description: "Managed by Ansible",
        settings: {
          wan: "eth2",
          lan: "eth1",
          defaultAction: "deny",
          snat: { from: "10.1.0.0/24", to: "203.0.113.7" },
        },
      });
      expect(first.tasks["Branch site"]?.id).toBe(site!.id);

      const second = await play(org, "site.yml");
      expect(second.stats.localhost?.changed).toBe(0);
      expect(changedTasks(second)).toEqual([]);

      // Changed by someone else: the next run puts back only what it manages.
      await send(org, "PATCH", `/sites/${site!.id}`, {
        settings: { ...site!.settings, wan: "eth9", lan: "eth7" },
      });
      const drift = await play(org, "site.yml");
      expect(changedTasks(drift)).toEqual(["Branch site"]);
      expect(drift.tasks["Branch site"]?.diff).toMatchObject({
        before: { settings: { wan: "eth9" } },
        after: { settings: { wan: "eth2", lan: "eth7" } },
      });
      expect((await sites(org))[0]?.settings).toMatchObject({ wan: "eth2", lan: "eth7" });

      const absentCheck = await play(org, "site.yml", { check: true, vars: { state: "absent" } });
      expect(changedTasks(absentCheck)).toEqual(["Branch site"]);
      expect(await sites(org)).toHaveLength(1);
      const absent = await play(org, "site.yml", { vars: { state: "absent" } });
      expect(changedTasks(absent)).toEqual(["Branch site"]);
      expect(await sites(org)).toEqual([]);
      const again = await play(org, "site.yml", { vars: { state: "absent" } });
      expect(again.stats.localhost?.changed).toBe(0);
    },
    PLAYBOOK_TEST_MS,
  );

  it(
    "overlay: WAN links, policy rules and a steering policy, in check mode, for real, again and absent",
    async () => {
      const org = await apiOrg();
      const built = ["Sites", "WAN links", "Policy rules", "Steering policy"];
      const torn = ["Steering policy gone", "Policy rules gone", "WAN links gone", "Sites gone"];

      const check = await play(org, "overlay.yml", { check: true });
      expect(changedTasks(check)).toEqual(built);
      expect(await overlayOf(org)).toEqual({ sites: [], links: [], rules: [], policies: [] });

      const first = await play(org, "overlay.yml");
      expect(changedTasks(first)).toEqual(built);
      const made = await overlayOf(org);
      const [hq, lyon] = await sites(org);
      expect(made.sites).toEqual(["ansible-hq", "ansible-lyon"]);
      expect(made.links).toEqual([
        expect.objectContaining({ siteId: hq!.id, name: "mpls", publicAddress: "198.51.100.1" }),
        expect.objectContaining({ siteId: lyon!.id, name: "fiber", upMbps: 500, downMbps: 1000 }),
        expect.objectContaining({ siteId: lyon!.id, name: "lte", metered: true, cost: 50 }),
      ]);
      expect(made.rules).toEqual([
        expect.objectContaining({ siteId: null, priority: 10, action: "allow" }),
        expect.objectContaining({
          siteId: lyon!.id,
          priority: 100,
          proto: "tcp",
          ports: { lo: 23, hi: 23 },
        }),
      ]);
      expect(made.policies).toEqual([
        expect.objectContaining({
          name: "lyon-to-hq",
          siteId: lyon!.id,
          srcPrefixes: ["10.20.0.0/16"],
          preferred: [
            { siteId: hq!.id, localLink: "fiber", remoteLink: "mpls" },
            { siteId: hq!.id, localLink: "lte" },
          ],
        }),
      ]);

      const second = await play(org, "overlay.yml");
      expect(changedTasks(second)).toEqual([]);
      expect(second.stats.localhost?.changed).toBe(0);

      // Changed elsewhere: the next run puts it back (a PATCH with If-Match).
      const lte = made.links.find((l) => l.name === "lte")!;
      await send(org, "PATCH", `/wan-links/${lte.id}`, { cost: 99, enabled: false });
      const drift = await play(org, "overlay.yml");
      expect(changedTasks(drift)).toEqual(["WAN links"]);
      expect((await overlayOf(org)).links).toContainEqual(
        expect.objectContaining({ name: "lte", cost: 50, enabled: false }),
      );

      const absent = await play(org, "overlay.yml", { vars: { state: "absent" } });
      expect(changedTasks(absent)).toEqual(torn);
      expect(await overlayOf(org)).toEqual({ sites: [], links: [], rules: [], policies: [] });
      const again = await play(org, "overlay.yml", { vars: { state: "absent" } });
      expect(again.stats.localhost?.changed).toBe(0);
    },
    PLAYBOOK_TEST_MS,
  );

  it(
    "inventory: lists the org's devices, grouped by site, status and reachability",
    async () => {
      const org = await apiOrg({ sites: 2 });
      const [a, b] = await sites(org);
      const [lyon, pending] = await createDeviceRows(org.org.id, a!.id, [
        { hostname: "lyon-edge", online: true },
        { hostname: "shared-name", status: "pending" },
      ]);
      const [paris] = await createDeviceRows(org.org.id, b!.id, [{ hostname: "shared-name" }]);
      const other = await apiOrg({ sites: 1 });
      await createDeviceRows(other.org.id, (await sites(other))[0]!.id, [{ hostname: "theirs" }]);

      const inventory = async (name: string, extra: string[] = []) => {
        const file = path.join(home, name);
        await writeFile(
          file,
          ["plugin: patronus.sdwan.devices", `url: ${server.url}`, `org: ${org.slug}`, ...extra]
            .map((l) => `${l}\n`)
            .join(""),
        );
        const run = succeeded(
          await runAnsible(
            "ansible-inventory",
            ["-i", file, "--list"],
            ansibleEnv(home, { PATRONUS_API_KEY: org.token }),
            home,
          ),
        );
        expect(run.stdout + run.stderr).not.toContain(org.token);
        return JSON.parse(run.stdout) as {
          _meta: { hostvars: Record<string, Record<string, unknown>> };
          [group: string]: { hosts?: string[]; children?: string[] } | unknown;
        };
      };
      const hostsOf = (inv: Record<string, unknown>, group: string) =>
        ((inv[group] as { hosts?: string[] } | undefined)?.hosts ?? []).sort();

      const all = await inventory("all.patronus.yml");
      const shared = [`shared-name_${pending}`, `shared-name_${paris}`].sort();
      expect(Object.keys(all._meta.hostvars).sort()).toEqual(["lyon-edge", ...shared].sort());
      expect(all._meta.hostvars["lyon-edge"]).toMatchObject({
        patronus_device_id: lyon,
        patronus_site_id: a!.id,
        patronus_site: a!.name,
        patronus_status: "active",
        patronus_online: true,
        patronus_agent_version: null,
        patronus_desired_revision: expect.any(Number),
      });
      expect(hostsOf(all, "site_site_00000")).toEqual(
        ["lyon-edge", `shared-name_${pending}`].sort(),
      );
      expect(hostsOf(all, "site_site_00001")).toEqual([`shared-name_${paris}`]);
      expect(hostsOf(all, "status_pending")).toEqual([`shared-name_${pending}`]);
      expect(hostsOf(all, "online")).toEqual(["lyon-edge"]);
      expect(hostsOf(all, "offline")).toEqual(shared);

      const active = await inventory("active.patronus.yml", [
        "statuses: [active]",
        "keyed_groups: [{key: patronus_site, prefix: at}]",
      ]);
      expect(Object.keys(active._meta.hostvars).sort()).toEqual(["lyon-edge", "shared-name"]);
      expect(hostsOf(active, "at_site_00001")).toEqual(["shared-name"]);
    },
    PLAYBOOK_TEST_MS,
  );

  it(
    "reports the API's problem when a call fails, without the key",
    async () => {
      const org = await apiOrg({ scopes: ["site.read"] });
      const run = await playbook(org, "site.yml");
      expect(run.code, shown(run)).not.toBe(0);
      expect(run.stdout + run.stderr).not.toContain(org.token);
      const failed = playbookResult(run).tasks["Branch site"];
      expect(failed, shown(run)).toMatchObject({ failed: true, status: 403 });
      expect(failed?.msg).toBeTruthy();
      expect(failed?.request_id).toEqual(expect.any(String));
      expect(await sites(org)).toEqual([]);
    },
    PLAYBOOK_TEST_MS,
  );
});

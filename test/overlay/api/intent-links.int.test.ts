// Overlay settings, site roles and WAN links through the API: each write bumps the
// revision (so it rolls out), is audited and snapshotted; bad input is a clear 4xx.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  auditOf,
  bumps,
  codeOf,
  errorOf,
  latestSnapshot,
  linkInput,
  overlayOrg,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

describe("overlay settings and site roles", () => {
  it("returns defaults without a row, then what was saved; partial-mesh pairs must be the org's sites", async () => {
    const o = await overlayOrg();
    const [hq, branch] = o.siteIds as [string, string];
    type Settings = Omit<Parameters<typeof o.api.overlay.settings.update>[0], "orgSlug">;
    const update = (settings: Settings) =>
      o.api.overlay.settings.update({ orgSlug: o.slug, ...settings });
    expect(await o.api.overlay.settings.get({ orgSlug: o.slug })).toEqual({
      topology: "full_mesh",
      sitePairs: [],
      probeIntervalMs: 100,
      holdDownSeconds: 30,
    });
    await bumps(o, () =>
      update({
        topology: "partial_mesh",
        sitePairs: [
          { a: branch, b: hq },
          { a: hq, b: branch },
        ],
        probeIntervalMs: 200,
        holdDownSeconds: 10,
      }),
    );
    const saved = await o.api.overlay.settings.get({ orgSlug: o.slug });
    // A pair is stored once, its ends sorted.
    expect(saved).toEqual({
      topology: "partial_mesh",
      sitePairs: [{ a: [hq, branch].sort()[0], b: [hq, branch].sort()[1] }],
      probeIntervalMs: 200,
      holdDownSeconds: 10,
    });
    expect((await auditOf(o.orgId, "overlay.settings.update"))[0]?.after).toMatchObject({
      topology: "partial_mesh",
    });
    expect((await latestSnapshot(o.orgId)).intent).toMatchObject({
      overlay: { settings: { topology: "partial_mesh" } },
    });

    const unknown = await errorOf(
      update({ topology: "partial_mesh", sitePairs: [{ a: hq, b: "nope" }] }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    const invalid: Settings[] = [
      { topology: "partial_mesh", sitePairs: [{ a: hq, b: hq }] },
      { topology: "ring" as never },
      { topology: "full_mesh", probeIntervalMs: 5 },
    ];
    for (const bad of invalid)
      expect(await codeOf(update(bad)), JSON.stringify(bad)).toBe("BAD_REQUEST");
  });

  it("sets a site's role and prefixes (deduplicated), audited and in the snapshot", async () => {
    const o = await overlayOrg();
    const [hq] = o.siteIds as [string];
    const r = await bumps(o, () =>
      o.api.overlay.site.update({
        orgSlug: o.slug,
        siteId: hq,
        role: "hub",
        prefixes: ["10.1.0.0/16", "10.1.0.0/16", "10.2.0.0/24"],
      }),
    );
    expect(r.id).toBe(hq);
    const snap = (await latestSnapshot(o.orgId)).intent as {
      sites: { id: string; role: string; prefixes: string[] }[];
    };
    expect(snap.sites.find((s) => s.id === hq)).toMatchObject({
      role: "hub",
      prefixes: ["10.1.0.0/16", "10.2.0.0/24"],
    });
    const [audit] = await auditOf(o.orgId, "overlay.site.update");
    expect(audit).toMatchObject({
      targetId: hq,
      before: { role: "edge", prefixes: [] },
      after: { role: "hub" },
    });

    const update = (site: Partial<Parameters<typeof o.api.overlay.site.update>[0]>) =>
      codeOf(
        o.api.overlay.site.update({
          orgSlug: o.slug,
          siteId: hq,
          role: "hub",
          prefixes: [],
          ...site,
        }),
      );
    for (const bad of [
      { prefixes: ["10.1.0.0/33"] },
      { prefixes: ["10.1.0.0"] },
      { role: "core" as never },
    ])
      expect(await update(bad), JSON.stringify(bad)).toBe("BAD_REQUEST");
    expect(await update({ siteId: "nope" })).toBe("NOT_FOUND");
  });
});

describe("WAN links", () => {
  it("creates, lists, updates and deletes links; names and interfaces are unique per site", async () => {
    const o = await overlayOrg();
    const [hq, branch] = o.siteIds as [string, string];
    type Link = Omit<Parameters<typeof o.api.overlay.links.create>[0], "orgSlug">;
    const create = (link: Link) => o.api.overlay.links.create({ orgSlug: o.slug, ...link });
    const update = (linkId: string, link: Link) =>
      o.api.overlay.links.update({ orgSlug: o.slug, linkId, ...link });
    const fiber = await bumps(o, () => create(linkInput(hq, "fiber", "eth0", "198.51.100.10")));
    await bumps(o, () =>
      create({ ...linkInput(hq, "lte", "eth2"), kind: "lte", metered: true, cost: 50 }),
    );
    // The same name and interface at another site is fine.
    await create(linkInput(branch, "fiber", "eth0", "198.51.100.20"));

    const { items: links } = await o.api.overlay.links.list({ orgSlug: o.slug, siteId: hq });
    expect(links.map((l) => l.name)).toEqual(["fiber", "lte"]);
    expect(links[0]).toEqual({
      id: fiber.id,
      siteId: hq,
      name: "fiber",
      kind: "fiber",
      interface: "eth0",
      gateway: null,
      publicAddress: "198.51.100.10",
      cost: 10,
      upMbps: 100,
      downMbps: 100,
      metered: false,
      enabled: true,
    });

    const dupName = await errorOf(create(linkInput(hq, "fiber", "eth5")));
    expect(dupName.code).toBe("CONFLICT");
    expect(dupName.message).toMatch(/already has a link named fiber/);
    const dupIf = await errorOf(create(linkInput(hq, "dsl", "eth0")));
    expect(dupIf.code).toBe("CONFLICT");
    expect(dupIf.message).toMatch(/eth0 is already used by link fiber/);
    expect(await codeOf(create(linkInput(hq, "x", "not an ifname")))).toBe("BAD_REQUEST");
    expect(await codeOf(create(linkInput(hq, "x", "eth7", "300.1.1.1")))).toBe("BAD_REQUEST");
    expect(await codeOf(create(linkInput("nope", "x", "eth7")))).toBe("NOT_FOUND");

    await bumps(o, () =>
      update(fiber.id, { ...linkInput(hq, "fiber", "eth0", "198.51.100.11"), enabled: false }),
    );
    expect(
      (await o.api.overlay.links.list({ orgSlug: o.slug, siteId: hq })).items[0],
    ).toMatchObject({
      publicAddress: "198.51.100.11",
      enabled: false,
    });
    // Renaming onto another link's name clashes; keeping its own name does not.
    expect(await codeOf(update(fiber.id, linkInput(hq, "lte", "eth0")))).toBe("CONFLICT");
    // A link does not move between sites (path ids are made of link ids).
    expect(await codeOf(update(fiber.id, linkInput(branch, "fiber", "eth9")))).toBe("BAD_REQUEST");

    await bumps(o, () => o.api.overlay.links.delete({ orgSlug: o.slug, linkId: fiber.id }));
    expect(
      (await o.api.overlay.links.list({ orgSlug: o.slug, siteId: hq })).items.map((l) => l.name),
    ).toEqual(["lte"]);
    expect(await codeOf(o.api.overlay.links.delete({ orgSlug: o.slug, linkId: fiber.id }))).toBe(
      "NOT_FOUND",
    );

    const actions = (
      await Promise.all(
        ["create", "update", "delete"].map((a) => auditOf(o.orgId, `overlay.link.${a}`)),
      )
    ).map((x) => x.length);
    expect(actions).toEqual([3, 1, 1]);
    const snap = (await latestSnapshot(o.orgId)).intent as {
      overlay: { links: { name: string }[] };
    };
    expect(snap.overlay.links.map((l) => l.name).sort()).toEqual(["fiber", "lte"]);
  });
});

// Deleting a site removes what names it in the overlay intent, so that no policy or
// partial-mesh pair is left pointing at a site that is gone.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { linkInput, overlayOrg } from "../../../testkit/factories/overlay";

afterAll(closeQueues);

describe("deleting a site", () => {
  it("drops its scoped policies, its preferred-path entries and its mesh pairs", async () => {
    const o = await overlayOrg(["HQ", "Branch", "aws-us-east"]);
    const [hq, branch, aws] = o.siteIds as [string, string, string];
    for (const [site, addr] of [
      [hq, "198.51.100.1"],
      [branch, "198.51.100.2"],
      [aws, "198.51.100.3"],
    ] as const)
      await o.api.overlay.links.create({
        orgSlug: o.slug,
        ...linkInput(site, "fiber", "eth0", addr),
      });
    await o.api.overlay.settings.update({
      orgSlug: o.slug,
      topology: "partial_mesh",
      sitePairs: [
        { a: hq, b: branch },
        { a: hq, b: aws },
      ],
    });
    await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "branch only",
      priority: 10,
      siteId: branch,
      srcPrefixes: ["10.2.0.0/24"],
    });
    const kept = await o.api.overlay.policies.create({
      orgSlug: o.slug,
      name: "via branch then aws",
      priority: 20,
      srcPrefixes: ["10.1.0.0/24"],
      preferred: [{ siteId: branch }, { siteId: aws }],
    });

    await o.api.site.delete({ orgSlug: o.slug, siteId: branch });

    const { items: policies } = await o.api.overlay.policies.list({ orgSlug: o.slug });
    expect(policies.map((p) => p.name)).toEqual(["via branch then aws"]);
    expect(policies[0]?.id).toBe(kept.id);
    expect(policies[0]?.preferred).toEqual([{ siteId: aws }]);
    const settings = await o.api.overlay.settings.get({ orgSlug: o.slug });
    const [a, b] = [hq, aws].sort();
    expect(settings.sitePairs).toEqual([{ a, b }]);
    // The policy that was left is still editable: no dangling reference.
    await o.api.overlay.policies.update({
      orgSlug: o.slug,
      steeringPolicyId: kept.id,
      name: "via aws",
      priority: 20,
      srcPrefixes: ["10.1.0.0/24"],
      preferred: [{ siteId: aws }],
    });
  });
});

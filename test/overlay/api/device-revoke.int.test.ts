// Revoking a device that is its site's tunnel end changes its peers' configs: the
// revision goes up so they drop it. A device outside the overlay changes nothing.
import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import {
  addDevice,
  asOrg,
  linkInput,
  overlayOrg,
  revisionOf,
} from "../../../testkit/factories/overlay";

afterAll(closeQueues);

const KEY = `${"A".repeat(42)}E=`;

describe("revoking an overlay device", () => {
  it("bumps the revision when the device had a tunnel key at a site with links", async () => {
    const o = await overlayOrg(["HQ", "Branch"]);
    const [hq, branch] = o.siteIds as [string, string];
    await o.api.overlay.links.create({
      orgSlug: o.slug,
      ...linkInput(hq, "fiber", "eth0", "198.51.100.1"),
    });
    const keyed = await addDevice(o.orgId, hq);
    await asOrg(o.orgId, (tx) =>
      tx.device.update({
        where: { id: keyed.id, orgId: o.orgId },
        data: { overlayPublicKey: KEY },
      }),
    );
    const plain = await addDevice(o.orgId, branch);

    let before = await revisionOf(o.orgId);
    await o.api.device.revoke({ orgSlug: o.slug, deviceId: plain.id });
    expect(await revisionOf(o.orgId)).toBe(before);

    before = await revisionOf(o.orgId);
    await o.api.device.revoke({ orgSlug: o.slug, deviceId: keyed.id });
    expect(await revisionOf(o.orgId)).toBe(before + 1);
  });
});

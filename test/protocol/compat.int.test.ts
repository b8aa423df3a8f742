// Today's ingest writes what a first-release agent reports: every uplink fixture of the
// previous release (protocol/fixtures/v1), decoded and written as the fleet ingest does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decode, parseTopic, topics } from "../../protocol";
import {
  addToBatch,
  channelFor,
  newBatch,
  writeOrgBatch,
} from "../../server/domains/fleet/channel/ingest";
import { registry } from "../../server/features";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { createOrgWithCa } from "../../testkit/factories/fleet-db";

const PREVIOUS = path.resolve(import.meta.dirname, "../../protocol/fixtures/v1");
const read = (file: string) => JSON.parse(readFileSync(path.join(PREVIOUS, file), "utf8"));
const index = read("index.json") as Record<string, { direction: string; channel: string }>;

describe("a first-release agent's reports", () => {
  it("are written by today's ingest, as its own device's", async () => {
    const org = await createOrgWithCa();
    const device = await withScope(getDb(), { orgId: org.orgId }, (tx) =>
      tx.device.create({
        data: { orgId: org.orgId, siteId: org.siteId, hostname: "old-box", status: "active" },
      }),
    );
    const identity = `${org.orgId}.${device.id}`;
    const channels = registry().ingestChannels;
    for (const [name, f] of Object.entries(index)) {
      if (f.direction !== "up" || f.channel.startsWith("http:") || f.channel === "csr") continue;
      const [channel, kind] = f.channel.split("/") as [string, string | undefined];
      const topic =
        channel === "telemetry"
          ? topics.telemetry(identity, kind!)
          : `${topics.state(identity).replace(/state$/, channel)}`;
      const t = parseTopic(topic)!;
      const c = channelFor(channels, t.channel, t.kind);
      expect(c, `an ingest channel for ${name}`).toBeDefined();
      // One batch a message, in the order the fixtures list them, as they would arrive.
      const batch = newBatch();
      addToBatch(
        batch,
        c!,
        t.deviceId,
        decode(c!.schema, JSON.stringify(read(`messages/${name}.json`))),
        t.kind,
      );
      expect(await writeOrgBatch(getDb(), org.orgId, batch, () => {}), name).toEqual({
        advanced: false,
      });
    }

    const rows = await withScope(getDb(), { orgId: org.orgId }, async (tx) => ({
      device: await tx.device.findUniqueOrThrow({ where: { id: device.id, orgId: org.orgId } }),
      events: await tx.pathEvent.count({ where: { orgId: org.orgId, deviceId: device.id } }),
      samples: await tx.pathSample.count({ where: { orgId: org.orgId, deviceId: device.id } }),
      usage: await tx.deviceUsage.count({ where: { orgId: org.orgId, deviceId: device.id } }),
    }));
    expect(rows.device).toMatchObject({
      // The last of the two state fixtures (rolled back to 6 after trying 7).
      reportedRevision: 6,
      applyStatus: "rolled_back",
      attemptedRevision: 7,
      online: true, // its last will, then a heartbeat
      agentVersion: "0.1.0",
      capabilityVersion: null,
      overlayPublicKey: read("messages/overlay.json").publicKey,
    });
    expect(rows).toMatchObject({ events: 1, samples: 1, usage: 1 });
  });
});

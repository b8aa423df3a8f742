// The sample area's control-plane side: notes per site, as intent (snapshotted, rolled back),
// compiled into each site's config as the `sample` section, and the agents' reports of how
// many notes they hold, ingested from telemetry/sample. Nothing outside this folder knows it:
// its test registers it (registerFeature), as a product area is listed in server/features.ts.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { bumpRevision } from "../../server/domains/fleet";
import type { Tx } from "../../server/platform/db/client";
import {
  type CompilerSection,
  defineFeature,
  type IntentSection,
} from "../../server/platform/features/contract";
import { latestPerDevice } from "../../server/platform/features/ingest-channels";

export const SECTION = "sample";

const ZNotes = z
  .array(z.object({ id: z.string(), siteId: z.string(), text: z.string() }))
  .default([]);

/** What an agent reports: how many notes it holds. */
export const ZSampleReport = z.object({
  v: z.number(),
  at: z.string(),
  applied: z.number().int().min(0),
});

/** Notes as snapshots store them; snapshots from before the area existed have none. */
const notesSection = {
  key: "sampleNotes",
  schema: ZNotes,
  load: (tx, orgId) =>
    tx.$queryRaw`SELECT id, "siteId", text FROM sample_area.notes WHERE "orgId" = ${orgId} ORDER BY id`,
  async restore(tx, orgId, { value, present, liveSites }) {
    if (!present) return;
    await tx.$executeRaw`DELETE FROM sample_area.notes WHERE "orgId" = ${orgId}`;
    for (const n of value.filter((n) => liveSites.has(n.siteId)))
      await tx.$executeRaw`INSERT INTO sample_area.notes (id, "orgId", "siteId", text)
        VALUES (${n.id}, ${orgId}, ${n.siteId}, ${n.text})`;
  },
} satisfies IntentSection<"sampleNotes", typeof ZNotes>;

/** A site with notes gets `sample: { notes }`; one without gets no section at all. */
const notesCompiler: CompilerSection<{ sampleNotes: z.output<typeof ZNotes> }> = {
  section: SECTION,
  forOrg: (_orgId, intent) => ({
    site(siteId) {
      const notes = intent.sampleNotes.filter((n) => n.siteId === siteId).map((n) => n.text);
      return notes.length ? { [SECTION]: { notes } } : undefined;
    },
  }),
};

export const sampleFeature = defineFeature("sample", () => ({
  intent: [notesSection],
  compile: [notesCompiler],
  ingest: [
    latestPerDevice({
      channel: "telemetry",
      kind: SECTION,
      schema: ZSampleReport,
      async write(tx, orgId, latest) {
        for (const [deviceId, r] of latest)
          await tx.$executeRaw`
            INSERT INTO sample_area.reports ("orgId", "deviceId", applied, at)
            SELECT ${orgId}, id, ${r.applied}, now() FROM devices
            WHERE id = ${deviceId} AND "orgId" = ${orgId} AND status = 'active'
            ON CONFLICT ("orgId", "deviceId") DO UPDATE SET applied = excluded.applied, at = excluded.at`;
      },
    }),
  ],
}));

/** The area's one service: a note for a site, as a new revision (what a router would call). */
export async function addNote(tx: Tx, orgId: string, siteId: string, text: string) {
  await tx.$executeRaw`INSERT INTO sample_area.notes (id, "orgId", "siteId", text) VALUES (${randomUUID()}, ${orgId}, ${siteId}, ${text})`;
  return bumpRevision(tx, orgId, null, "sample note");
}

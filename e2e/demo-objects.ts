// Objects of the demo org that only devices or time would make, for pages that show one
// (a rollout, a device): the CSP and accessibility journeys open every page.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { databaseUrl } from "../testkit/resources";
import { ownerQuery } from "./fixtures";
import { loadStack } from "./stack";

/**
 * A rollout of acme to open: real ones need enrolled devices (e2e/fleet.spec.ts). This one
 * is finished and has a negative revision, so it is never the org's latest.
 */
export async function insertRollout(): Promise<string> {
  const stack = loadStack();
  if (!stack) throw new Error("E2E_STACK is not set (global setup sets it)");
  const db = new pg.Client({ connectionString: databaseUrl(stack.adminUrl, stack.database) });
  await db.connect();
  try {
    const id = `ro_csp_${randomBytes(6).toString("hex")}`;
    const revision = -1 - randomBytes(3).readUIntBE(0, 3);
    await db.query(
      `INSERT INTO rollouts (id, "orgId", revision, status, "deviceIds", "canaryIds", "failureThreshold", "finishedAt")
       SELECT $1, id, $2, 'completed', '{}', '{}', 1, now() FROM organizations WHERE slug = 'acme'`,
      [id, revision],
    );
    // Its revision's intent, which the page's diff reads: acme's newest.
    await db.query(
      `INSERT INTO intent_snapshots (id, "orgId", revision, intent, reason)
       SELECT $1, "orgId", $2, intent, 'csp journey' FROM intent_snapshots
       WHERE "orgId" = (SELECT id FROM organizations WHERE slug = 'acme')
       ORDER BY revision DESC LIMIT 1`,
      [`is_${id}`, revision],
    );
    return id;
  } finally {
    await db.end();
  }
}

/** A device of the site with an alert and a quarantined message, so its page shows both. */
export async function insertDevice(siteId: string): Promise<string> {
  const id = `devcsp${randomBytes(6).toString("hex")}`;
  await ownerQuery(
    `INSERT INTO devices (id, "orgId", "siteId", hostname, status, "updatedAt", "clockOffsetMs")
     SELECT $1, "orgId", id, 'csp-box', 'active', now(), -172800000 FROM sites WHERE id = $2`,
    [id, siteId],
  );
  await ownerQuery(
    `INSERT INTO device_alerts ("orgId", "deviceId", kind, detail)
     SELECT "orgId", id, 'cloned_identity', '{"addresses":["198.51.100.7","203.0.113.9"]}'
     FROM devices WHERE id = $1`,
    [id],
  );
  await ownerQuery(
    `INSERT INTO device_dead_letters (id, "orgId", "deviceId", channel, reason, error, digest, payload, size)
     SELECT 'dl_' || id, "orgId", id, 'state', 'refused', 'invalid message', 'csp', '\\x7b7d', 2
     FROM devices WHERE id = $1`,
    [id],
  );
  return id;
}

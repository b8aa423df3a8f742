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
      `INSERT INTO intent_snapshots (id, "orgId", revision, intent, parts, reason)
       SELECT $1, "orgId", $2, intent, parts, 'csp journey' FROM intent_snapshots
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

/**
 * A box of the site with 50 minutes of throughput (per application class too) and of the
 * path's quality, raw and in minutes as the rollup sweep would leave them, and an incident
 * of the site from 30 to 20 minutes ago: what the site's charts draw. Returns the ids.
 */
export async function insertSeries(siteId: string, pathId: string) {
  const deviceId = `devcharts${randomBytes(6).toString("hex")}`;
  await ownerQuery(
    `INSERT INTO devices (id, "orgId", "siteId", hostname, status, "updatedAt")
     SELECT $1, "orgId", id, 'charts-box', 'active', now() FROM sites WHERE id = $2`,
    [deviceId, siteId],
  );
  const series: [kind: string, objectId: string, metric: string, value: number, labels?: string][] =
    [
      ["device", deviceId, "rx_bits_per_second", 8e6],
      ["device", deviceId, "tx_bits_per_second", 2e6],
      ["device", deviceId, "rx_packets_per_second", 900],
      ["device", deviceId, "tx_packets_per_second", 400],
      ["device", deviceId, "drops_per_second", 12, '{"reason":"policy_deny"}'],
      ["device", deviceId, "drops_per_second", 3, '{"reason":"syn_flood_drop"}'],
      ["class", "web", "class_rx_bits_per_second", 5e6],
      ["class", "web", "class_tx_bits_per_second", 1e6],
      ["class", "voip", "class_rx_bits_per_second", 4e5],
      ["class", "voip", "class_tx_bits_per_second", 4e5],
      ["path", pathId, "latency_ms", 24],
      ["path", pathId, "jitter_ms", 3],
      ["path", pathId, "loss_percent", 0.5],
      ["path", pathId, "mos", 4.2],
    ];
  for (const [kind, objectId, metric, value, labels = "{}"] of series) {
    const { rows } = await ownerQuery(
      `INSERT INTO series ("orgId", kind, "objectId", "siteId", "deviceId", metric, labels)
       SELECT "orgId", $2, $3, "siteId", id, $4, $5 FROM devices WHERE id = $1
       RETURNING id, "orgId"`,
      [deviceId, kind, objectId, metric, labels],
    );
    const { id, orgId } = rows[0] as { id: string; orgId: string };
    // A gentle wave, so the lines are not flat.
    const wave = `$3::float8 * (1 + 0.2 * sin(extract(epoch FROM g) / 300))`;
    await ownerQuery(
      `INSERT INTO series_points ("orgId", "seriesId", ts, value)
       SELECT $1, $2, g, ${wave} FROM generate_series(
         date_trunc('minute', now()) - interval '50 minutes', now(), interval '30 seconds') g`,
      [orgId, id, value],
    );
    await ownerQuery(
      `INSERT INTO series_points_1m ("orgId", "seriesId", ts, min, max, sum, count)
       SELECT $1, $2, g, v, v, 2 * v, 2 FROM (SELECT g, ${wave} AS v FROM generate_series(
         date_trunc('minute', now()) - interval '50 minutes',
         date_trunc('minute', now()) - interval '1 minute', interval '1 minute') g) x`,
      [orgId, id, value],
    );
  }
  const incidentId = `inc_charts_${randomBytes(6).toString("hex")}`;
  await ownerQuery(
    `INSERT INTO incidents (id, "orgId", number, key, status, severity, title, "rootCause",
       "siteId", "openedAt", "resolvedAt", "updatedAt")
     SELECT $1, "orgId", 900000 + floor(random() * 99999)::int, 'site:' || id || ':charts',
       'resolved', 'critical', 'Path down (charts journey)', 'a WAN link was cut', id,
       now() - interval '30 minutes', now() - interval '20 minutes', now()
     FROM sites WHERE id = $2`,
    [incidentId, siteId],
  );
  return { deviceId, incidentId };
}

/**
 * A resolved incident of acme at the site, with a cleared condition and a timeline, for
 * its page (real ones need the evaluator and time: e2e/alerting.spec.ts). Its number is far
 * above any the evaluator hands out in a journey.
 */
export async function insertIncident(siteId: string): Promise<string> {
  const id = `inc_csp_${randomBytes(6).toString("hex")}`;
  const number = 100_000 + randomBytes(3).readUIntBE(0, 3);
  await ownerQuery(
    `INSERT INTO incidents (id, "orgId", number, key, status, severity, title, "rootCause",
       "siteId", "openedAt", "resolvedAt", "updatedAt")
     SELECT $1, "orgId", $2, 'site:' || id, 'resolved', 'major', name || ': csp-box offline',
       'csp-box is not connected to the control plane', id, now() - interval '2 hours',
       now() - interval '1 hour', now()
     FROM sites WHERE id = $3`,
    [id, number, siteId],
  );
  await ownerQuery(
    `INSERT INTO incident_conditions ("orgId", "incidentId", key, kind, "objectType", "objectId",
       "objectName", summary, since, "firedAt", "clearedAt")
     SELECT "orgId", id, 'device_offline:csp-box', 'device_offline', 'device', 'csp-box',
       'csp-box', 'csp-box is offline', "openedAt" - interval '2 minutes', "openedAt", "resolvedAt"
     FROM incidents WHERE id = $1`,
    [id],
  );
  await ownerQuery(
    `INSERT INTO incident_events (id, "orgId", "incidentId", at, kind, message)
     SELECT $1 || '_' || k, "orgId", id, CASE k WHEN 'opened' THEN "openedAt" ELSE "resolvedAt" END,
       k, CASE k WHEN 'opened' THEN 'Opened: ' || "rootCause" ELSE 'Every condition cleared' END
     FROM incidents, (VALUES ('opened'), ('resolved')) AS kinds(k) WHERE id = $1`,
    [id],
  );
  return id;
}

/**
 * An active device of the site that was last seen an hour ago: the `device_offline` rule
 * (120 s) fires for it at the org's next evaluation.
 */
export async function insertOfflineDevice(siteId: string, hostname: string): Promise<string> {
  const id = `devoff${randomBytes(6).toString("hex")}`;
  await ownerQuery(
    `INSERT INTO devices (id, "orgId", "siteId", hostname, tags, status, "updatedAt", "lastSeenAt")
     SELECT $1, "orgId", id, $2, '{}', 'active', now(), now() - interval '1 hour'
     FROM sites WHERE id = $3`,
    [id, hostname, siteId],
  );
  return id;
}

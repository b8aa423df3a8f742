// Agent tests against the real control plane (testkit/stack/fleet-stack.ts): an org and a site
// made through the API, an enrollment token from the API, and bounded waits on the device
// row the portal shows.
import type { z } from "zod";
import type { ZSiteSettings } from "../../server/domains/sites";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { until } from "../wait";
import { callerFor, createOrgWithOwner } from "./identity";

export type Site = Awaited<ReturnType<typeof createSite>>;

/** A fresh org (owner) with one site and one enrollment token for it. */
export async function createSite(
  o: { settings?: z.input<typeof ZSiteSettings>; autoApprove?: boolean; maxUses?: number } = {},
) {
  const { owner, org, slug } = await createOrgWithOwner();
  const api = callerFor(owner);
  const site = await api.site.create({ orgSlug: slug, name: "Branch", settings: o.settings });
  const token = await api.site.createToken({
    orgSlug: slug,
    siteId: site.id,
    autoApprove: o.autoApprove ?? true,
    maxUses: o.maxUses ?? 1,
  });
  return { owner, org, slug, api, siteId: site.id, token };
}

/** Polls `probe` until it returns a value; fails naming what it waited for. */
export const eventually = <T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> => until(what, probe, { timeoutMs, everyMs: 100 });

/** The site's devices as the portal lists them. */
export async function devicesOf(site: Site) {
  const page = await site.api.device.list({ orgSlug: site.slug, siteId: site.siteId });
  return page.items;
}

const FAILED = new Set(["failed", "rolled_back", "rejected"]);

/**
 * Waits until the device row says the agent applied what the portal wants: online, desired
 * revision at least `minRevision`, reported = desired, applied. Returns the row; on timeout
 * the error shows the row as last seen (apply status and error say what went wrong). A
 * report that the revision failed ends the wait at once.
 */
export async function deviceInSync(
  site: Site,
  deviceId: string,
  minRevision = 1,
  timeoutMs = 30_000,
) {
  let last: unknown;
  try {
    return await eventually(
      `device ${deviceId} to apply revision ${minRevision} or later`,
      async () => {
        const d = await site.api.device.get({ orgSlug: site.slug, deviceId });
        last = d;
        if ((d.attemptedRevision ?? 0) >= minRevision && FAILED.has(d.applyStatus ?? ""))
          throw new Error(`device ${deviceId} did not apply revision ${d.attemptedRevision}`);
        return (
          d.online &&
          d.desiredRevision >= minRevision &&
          d.reportedRevision === d.desiredRevision &&
          d.applyStatus === "applied" &&
          d
        );
      },
      timeoutMs,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/** Backdates a token (the API has no way to make an already-expired one). */
export function expireToken(site: Site) {
  return withScope(getDb(), { orgId: site.org.id }, (tx) =>
    tx.enrollmentToken.update({
      where: { id: site.token.id, orgId: site.org.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    }),
  );
}

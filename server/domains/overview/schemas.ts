// Output shapes of the overview area (docs/overview.md explains each figure).
import { z } from "zod";
import { zText } from "../../../protocol/text";

const ZCount = z.number().int().min(0);
const ZSiteState = z.enum(["up", "degraded", "down", "pending"]);
const ZLimit = z.object({ used: ZCount, max: ZCount.nullable() });

export const ZOverviewWindow = z.enum(["1h", "24h"]);

export const ZOverview = z.object({
  generatedAt: z.date(),
  sites: z.object({
    total: ZCount,
    up: ZCount,
    degraded: ZCount,
    down: ZCount,
    pending: ZCount,
  }),
  attention: z.array(z.object({ id: zText(), name: zText(), state: ZSiteState })),
  devices: z.object({ active: ZCount, offline: ZCount, outOfSync: ZCount, pending: ZCount }),
  /** `total`, `paths`, `alerts`: path and device problems now (path events, device alerts);
   * `open` (acknowledged included), `acknowledged`, `critical`, `warning`: alerting's
   * incidents not resolved yet. */
  incidents: z.object({
    total: ZCount,
    paths: ZCount,
    alerts: ZCount,
    open: ZCount,
    acknowledged: ZCount,
    critical: ZCount,
    warning: ZCount,
  }),
  paths: z.object({ total: ZCount, measured: ZCount, failing: ZCount, down: ZCount }),
  throughput: z.object({
    window: ZOverviewWindow,
    from: z.date(),
    inBytes: z.number(),
    outBytes: z.number(),
    series: z.array(z.object({ at: z.date(), inBytes: z.number(), outBytes: z.number() })),
  }),
  /** Bytes per application class over the window: the top classes, then "other". */
  applications: z.object({
    /** Whether any agent of the org reported per-class bytes in the window. */
    reported: z.boolean(),
    window: ZOverviewWindow,
    from: z.date(),
    items: z.array(
      z.object({
        name: zText(),
        /** inBytes + outBytes */
        bytes: z.number(),
        inBytes: z.number(),
        outBytes: z.number(),
      }),
    ),
  }),
  plan: z
    .object({
      enabled: z.boolean(),
      plan: z.object({ key: zText(), name: zText() }),
      mode: z.enum(["direct", "consolidated"]),
      sites: ZLimit,
      devices: ZLimit,
      data: z.object({
        since: z.date(),
        usedBytes: z.number(),
        includedBytes: z.number().nullable(),
      }),
    })
    .nullable(),
  recentChanges: z
    .array(
      z.object({
        id: zText(),
        action: zText(),
        actorKind: zText().nullable(),
        actorEmail: zText().nullable(),
        targetType: zText(),
        targetId: zText().nullable(),
        createdAt: z.date(),
      }),
    )
    .nullable(),
});

export const ZCustomerHealth = z.enum(["up", "degraded", "down", "pending", "empty"]);
export const ZBillingModeFilter = z.enum(["direct", "consolidated"]);

export const ZCustomersOverview = z.object({
  /** Customers before filtering. */
  total: ZCount,
  customers: z.array(
    z.object({
      id: zText(),
      slug: zText(),
      name: zText(),
      health: ZCustomerHealth,
      incidents: ZCount,
      sites: z.object({ up: ZCount, total: ZCount }),
      devices: ZCount,
      usageBytes: z.number(),
      billingMode: ZBillingModeFilter,
    }),
  ),
});

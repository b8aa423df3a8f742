// Replica-safe procedures on a real streaming replica (docs/database.md, "Read replica"):
// a primary of the test's own (initdb) and a hot standby made from it by pg_basebackup -R,
// both on loopback. The machine's shared server allows no replication connections, and a
// test that stops a server must own it.
import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orgInput } from "../../../server/api/inputs";
import { createCaller } from "../../../server/api/root";
import {
  type Context,
  createCallerFactory,
  replicaProcedure,
  router,
} from "../../../server/api/trpc";
import type { SessionUser } from "../../../server/domains/identity/auth/session";
import { createOrg } from "../../../server/domains/identity/services/org/create-org";
import { ensureAppRole } from "../../../server/platform/db/app-role";
import { createDb, type Db } from "../../../server/platform/db/client";
import { migrate } from "../../../server/platform/db/migrate";
import { ReadReplica } from "../../../server/platform/db/replica";
import { withScope } from "../../../server/platform/db/with-tenant";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { metricsRegistry } from "../../../server/platform/metrics/registry";
import { closeRedis } from "../../../server/platform/redis";
import { userPrincipal } from "../../../server/platform/tenancy/principal";
import { Cleanups } from "../../../testkit/cleanups";
import { uid } from "../../../testkit/factories/identity";
import { PgCluster, pgClusterSkipReason } from "../../../testkit/postgres-cluster";
import { sleep, until } from "../../../testkit/wait";

const skipReason = await pgClusterSkipReason();

const cleanups = new Cleanups();
let primary: PgCluster;
let standby: PgCluster;
/** The primary as the application role (what the portal uses) and as the owner. */
let db: Db;
let ownerDb: Db;
let replicaUrl: string;

type User = ReturnType<typeof userPrincipal<SessionUser>>;

async function newReplica(maxLagMs: number) {
  const replica = new ReadReplica({ url: replicaUrl, maxLagMs, poolMax: 5, checkEveryMs: 100 });
  cleanups.add(() => replica.close());
  await until("the replica to be usable", async () => {
    await replica.refresh();
    return replica.route() === "replica";
  });
  return replica;
}

async function newOrg() {
  const id = randomUUID();
  const email = `user-${uid()}@example.test`;
  await db.user.create({ data: { id, email, name: "Owner", emailVerified: true } });
  const owner = userPrincipal({ id, email, name: "Owner", emailVerified: true });
  const slug = `org-${uid()}`;
  const org = await createOrg(db, owner, { name: `Org ${slug}`, slug, kind: "standard" });
  return { owner, org, slug };
}

const contextOf = (user: User, replica: ReadReplica | null): Context => ({
  db,
  replica,
  user,
  headers: new Headers(),
});
const callerOf = (user: User, replica: ReadReplica | null) =>
  createCaller(contextOf(user, replica));

/** A site written on the primary by the owner connection (no caller, so no read-your-writes). */
async function siteOnPrimary(orgId: string) {
  return ownerDb.site.create({ data: { orgId, name: `site-${uid()}`, settings: {} } });
}

const siteNames = async (user: User, slug: string, replica: ReadReplica | null) =>
  (await callerOf(user, replica).site.list({ orgSlug: slug, limit: 100 })).items.map((s) => s.name);

/** How many replica-safe reads went to `target` for `reason`, so far. */
async function readsCounted(target: string, reason: string) {
  const metric = metricsRegistry().getSingleMetric("patronus_db_replica_reads_total");
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.target === target && v.labels.reason === reason)?.value ?? 0;
}

/** Pauses WAL replay on the standby (and waits until it has), resuming it afterwards. */
async function whileReplayPaused<T>(fn: () => Promise<T>): Promise<T> {
  await standby.sql("SELECT pg_wal_replay_pause()");
  try {
    await until("replay to pause", async () => {
      const [row] = await standby.sql<{ state: string }>(
        "SELECT pg_get_wal_replay_pause_state() AS state",
      );
      return row?.state === "paused";
    });
    return await fn();
  } finally {
    await standby.sql("SELECT pg_wal_replay_resume()");
  }
}

if (skipReason) {
  describe.skip(`read replica (skipped: ${skipReason})`, () => {
    it("needs its own PostgreSQL clusters", () => {});
  });
} else {
  describe("read replica", () => {
    beforeAll(async () => {
      primary = await PgCluster.primary();
      cleanups.add(() => primary.destroy());
      await primary.sql("CREATE DATABASE patronus");
      const ownerUrl = primary.url("patronus");
      const appUrl = primary.url("patronus", "patronus_app");
      await migrate(ownerUrl);
      await ensureAppRole(ownerUrl, appUrl);
      standby = await primary.replica();
      cleanups.add(() => standby.destroy());
      replicaUrl = standby.url("patronus", "patronus_app");
      db = createDb(appUrl);
      ownerDb = createDb(ownerUrl);
      cleanups.add(() => db.$disconnect());
      cleanups.add(() => ownerDb.$disconnect());
    });

    afterAll(async () => {
      await cleanups.run();
      await closeQueues();
      await closeRedis();
    });

    it("answers a replica-safe procedure from the replica, with the primary's writes once replayed", async () => {
      const replica = await newReplica(600_000);
      const { owner, org, slug } = await newOrg();
      const before = await readsCounted("replica", "replica");
      const site = await whileReplayPaused(async () => {
        const written = await siteOnPrimary(org.id);
        // Not replayed yet: the replica answered, so the new site is not there.
        expect(await siteNames(owner, slug, replica)).not.toContain(written.name);
        // The primary has it (no replica in the context: everything reads the primary).
        expect(await siteNames(owner, slug, null)).toContain(written.name);
        return written;
      });
      await until("the replica to replay the new site", async () =>
        (await siteNames(owner, slug, replica)).includes(site.name),
      );
      expect(await readsCounted("replica", "replica")).toBeGreaterThan(before);
      // Procedures that are not replica-safe (a detail view) read the primary as always.
      await whileReplayPaused(async () => {
        const written = await siteOnPrimary(org.id);
        const view = await callerOf(owner, replica).site.get({
          orgSlug: slug,
          siteId: written.id,
        });
        expect(view.name).toBe(written.name);
      });
    });

    it("keeps each org's row-level-security scope on the replica", async () => {
      const replica = await newReplica(600_000);
      const a = await newOrg();
      const b = await newOrg();
      const aSite = await siteOnPrimary(a.org.id);
      await until("the replica to replay org A's site", async () =>
        (await siteNames(a.owner, a.slug, replica)).includes(aSite.name),
      );
      // B's owner, reading through the replica: B's sites only, and A does not exist.
      expect(await siteNames(b.owner, b.slug, replica)).toEqual([]);
      await expect(siteNames(b.owner, a.slug, replica)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      // Row-level security alone (raw SQL passes no Prisma guard) on the standby itself.
      const countIn = (orgId: string | null) =>
        withScope(replica.db, { orgId }, async (tx) => {
          const [row] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM sites`;
          return row!.n;
        });
      expect(await countIn(a.org.id)).toBeGreaterThan(0);
      expect(await countIn(b.org.id)).toBe(0);
      expect(await countIn(null)).toBe(0);
    });

    it("refuses a write slipped into a replica-safe procedure, on the replica and on the primary", async () => {
      const replica = await newReplica(600_000);
      const { owner, org, slug } = await newOrg();
      const name = `sneaky-${uid()}`;
      const sneaky = createCallerFactory(
        router({
          // A "read" that writes: exactly what replicaProcedure must never let through.
          write: replicaProcedure("site.read")
            .input(orgInput({}))
            .query(({ ctx }) =>
              ctx.tx.site.create({ data: { orgId: ctx.tenant.orgId, name, settings: {} } }),
            ),
        }),
      );
      for (const target of [replica, null]) {
        const error = await sneaky(contextOf(owner, target))
          .write({ orgSlug: slug })
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(error).toBeInstanceOf(TRPCError);
        expect((error as TRPCError).code).toBe("INTERNAL_SERVER_ERROR");
        expect(String((error as TRPCError).cause?.message)).toMatch(/read-only transaction/);
      }
      expect(await ownerDb.site.count({ where: { orgId: org.id, name } })).toBe(0);
    });

    it("answers from the primary while the replica is down, and uses it again once it is back", async () => {
      const replica = await newReplica(600_000);
      const { owner, org, slug } = await newOrg();
      const before = await readsCounted("primary", "failed-over");
      await standby.stop("immediate");
      try {
        const site = await siteOnPrimary(org.id);
        // The first read still believes the replica is up: it fails there and the primary
        // answers it. None fails.
        for (let i = 0; i < 3; i++)
          expect(await siteNames(owner, slug, replica)).toContain(site.name);
        expect(await readsCounted("primary", "failed-over")).toBeGreaterThan(before);
        await until("the probe to find the replica down", async () => {
          await replica.refresh();
          return replica.route() === "unreachable";
        });
        expect(await siteNames(owner, slug, replica)).toContain(site.name);
      } finally {
        await standby.start();
      }
      await until("the replica to be used again", async () => {
        await replica.refresh();
        return replica.route() === "replica";
      });
      const counted = await readsCounted("replica", "replica");
      await siteNames(owner, slug, replica);
      expect(await readsCounted("replica", "replica")).toBe(counted + 1);
    });

    it("answers from the primary while the replica lags beyond the bound", async () => {
      const replica = await newReplica(300);
      const { owner, org, slug } = await newOrg();
      await whileReplayPaused(async () => {
        const site = await siteOnPrimary(org.id);
        await until("the replica to be found lagging", async () => {
          await replica.refresh();
          return replica.route() === "lagging";
        });
        const before = await readsCounted("primary", "lagging");
        expect(await siteNames(owner, slug, replica)).toContain(site.name);
        expect(await readsCounted("primary", "lagging")).toBe(before + 1);
      });
      await until("the replica to catch up", async () => {
        await replica.refresh();
        return replica.route() === "replica";
      });
    });

    it("reads a caller's own change from the primary, while the replica has not replayed it", async () => {
      const replica = await newReplica(600_000);
      const { owner, org, slug } = await newOrg();
      await whileReplayPaused(async () => {
        const name = `mine-${uid()}`;
        await callerOf(owner, replica).site.create({ orgSlug: slug, name });
        const before = await readsCounted("primary", "recent-write");
        expect(await siteNames(owner, slug, replica)).toContain(name);
        expect(await readsCounted("primary", "recent-write")).toBe(before + 1);
        // The replica has not replayed it: only the primary could have answered.
        const onReplica = await withScope(replica.db, { orgId: org.id }, (tx) =>
          tx.site.count({ where: { orgId: org.id, name } }),
        );
        expect(onReplica).toBe(0);
      });
    });

    it("gives a connection lost mid-transaction back to nobody: the pool drops it", async () => {
      const pool = new Pool({ connectionString: replicaUrl, max: 2 });
      const direct = createDb(replicaUrl, pool);
      // Bounded: with the leak, $disconnect would wait on the lost client forever.
      cleanups.add(() => Promise.race([direct.$disconnect(), sleep(5_000)]));
      try {
        await expect(
          withScope(direct, {}, async (tx) => {
            await tx.$queryRaw`SELECT 1`;
            await standby.stop("immediate");
            return tx.$queryRaw`SELECT 2`;
          }),
        ).rejects.toThrow();
        // Before the fix in pg-adapter.ts the dead client stayed checked out for good.
        expect(pool.totalCount - pool.idleCount).toBe(0);
      } finally {
        await standby.start();
      }
      await until("the standby to answer again", async () =>
        withScope(direct, {}, (tx) => tx.$queryRaw`SELECT 1`).then(
          () => true,
          () => false,
        ),
      );
    });
  });
}

// The series id cache (server/platform/series/id-cache.ts) on real PostgreSQL: keyed by
// org, so one org's batch never finds another's series, and a wrong entry (as if poisoned)
// is refused by the write's check and resolved again; ids of deleted series (a series
// removed, an org deleted) are dropped, and nothing is written under them.
import { afterAll, describe, expect, it } from "vitest";
import { createDb, getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { SeriesIdCache } from "../../server/platform/series/id-cache";
import {
  type SeriesPointInput,
  seriesKeyOf,
  writeSeriesPoints,
} from "../../server/platform/series/write";
import { at, pointsOf, rx, seriesOrg } from "./lib";

const ownerDb = createDb(process.env.DATABASE_URL as string);
afterAll(() => ownerDb.$disconnect());

const write = (orgId: string, points: SeriesPointInput[], cache: SeriesIdCache) =>
  withScope(getDb(), { orgId }, (tx) => writeSeriesPoints(tx, orgId, points, cache));

const seriesIds = async (orgId: string) =>
  (
    await ownerDb.$queryRaw<
      { id: bigint }[]
    >`SELECT id FROM series WHERE "orgId" = ${orgId} ORDER BY id`
  ).map((r) => r.id);

/** Points of the org whose series row does not exist (any would be lost to every reader). */
const orphans = async (orgId: string) =>
  (
    await ownerDb.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM series_points p
      WHERE p."orgId" = ${orgId} AND NOT EXISTS (SELECT 1 FROM series s WHERE s.id = p."seriesId")`
  )[0]?.n;

describe("the series id cache", () => {
  it("never finds another org's series, even with a wrong entry", async () => {
    const cache = new SeriesIdCache();
    const a = await seriesOrg();
    const b = await seriesOrg();
    const dA = a.deviceIds[0] as string;
    const dB = b.deviceIds[0] as string;
    await write(a.orgId, [rx(dA, at("2021-10-01T10:00:00Z"), 1)], cache);
    const [idA] = await seriesIds(a.orgId);
    expect(cache.get(a.orgId, seriesKeyOf(rx(dA, at("2021-10-01T10:00:00Z"), 0)))).toBe(idA);

    // B names A's device: B's own entry (a miss), and the device check writes nothing.
    await write(b.orgId, [rx(dA, at("2021-10-01T10:00:10Z"), 2)], cache);
    expect(await pointsOf(b.orgId, "series_points")).toEqual([]);
    expect(cache.get(b.orgId, seriesKeyOf(rx(dA, at("2021-10-01T10:00:00Z"), 0)))).toBeUndefined();

    // A wrong entry: B's key pointing at A's series. The check refuses it; B's point goes to
    // a series of B's own, A's series gets nothing, and the entry is corrected.
    const keyB = seriesKeyOf(rx(dB, at("2021-10-01T10:00:00Z"), 0));
    cache.set(b.orgId, keyB, idA as bigint);
    await write(b.orgId, [rx(dB, at("2021-10-01T10:00:20Z"), 3)], cache);
    const [idB] = await seriesIds(b.orgId);
    expect(idB).not.toBe(idA);
    expect(cache.get(b.orgId, keyB)).toBe(idB);
    expect((await pointsOf(b.orgId, "series_points")).map((p) => [p.seriesId, p.value])).toEqual([
      [String(idB), 3],
    ]);
    expect((await pointsOf(a.orgId, "series_points")).map((p) => p.value)).toEqual([1]);
  });

  it("drops ids of deleted series and of a deleted org, and writes nothing under them", async () => {
    const cache = new SeriesIdCache();
    const a = await seriesOrg();
    const d = a.deviceIds[0] as string;
    await write(a.orgId, [rx(d, at("2021-10-02T10:00:00Z"), 1)], cache);
    const [first] = await seriesIds(a.orgId);

    // The series row goes (its points stay: no foreign key); the next batch makes it anew.
    await ownerDb.$executeRaw`DELETE FROM series WHERE "orgId" = ${a.orgId}`;
    await ownerDb.$executeRaw`DELETE FROM series_points WHERE "orgId" = ${a.orgId}`;
    await write(a.orgId, [rx(d, at("2021-10-02T10:00:10Z"), 2)], cache);
    const [second] = await seriesIds(a.orgId);
    expect(second).not.toBe(first);
    expect(cache.get(a.orgId, seriesKeyOf(rx(d, at("2021-10-02T10:00:00Z"), 0)))).toBe(second);
    expect((await pointsOf(a.orgId, "series_points")).map((p) => [p.seriesId, p.value])).toEqual([
      [String(second), 2],
    ]);
    expect(await orphans(a.orgId)).toBe(0);

    // The org goes (its series and devices with it; its points age out with retention). A late batch for it writes nothing,
    // though the cache still held its ids, and the entry is gone afterwards.
    await ownerDb.organization.delete({ where: { id: a.orgId } });
    await write(a.orgId, [rx(d, at("2021-10-02T10:00:20Z"), 3)], cache);
    const left = await ownerDb.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM series_points WHERE "orgId" = ${a.orgId} AND value = 3`;
    expect(left[0]?.n).toBe(0);
    expect(cache.get(a.orgId, seriesKeyOf(rx(d, at("2021-10-02T10:00:00Z"), 0)))).toBeUndefined();

    // A new org with the same cache writes as any other.
    const c = await seriesOrg();
    await write(c.orgId, [rx(c.deviceIds[0] as string, at("2021-10-02T10:00:30Z"), 4)], cache);
    expect((await pointsOf(c.orgId, "series_points")).map((p) => p.value)).toEqual([4]);
  });

  it("keeps a redelivered batch once on the one-statement path", async () => {
    const cache = new SeriesIdCache();
    const a = await seriesOrg("HQ", 2);
    const batch = a.deviceIds.flatMap((d, i) => [
      rx(d, at("2021-10-03T10:00:00Z"), i),
      rx(d, at("2021-10-03T10:00:10Z"), i + 10),
    ]);
    await write(a.orgId, batch, cache);
    expect(cache.size).toBe(2);
    await write(a.orgId, batch, cache); // every series known: one statement
    expect(await pointsOf(a.orgId, "series_points")).toHaveLength(4);
    expect(await orphans(a.orgId)).toBe(0);
  });
});

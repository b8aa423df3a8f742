// storeImage / deleteAsset over every storage driver, and the public route over real HTTP.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteAsset, storeImage } from "../../../server/platform/assets";
import { getDb } from "../../../server/platform/db/client";
import { withScope } from "../../../server/platform/db/with-tenant";
import { AppError } from "../../../server/platform/errors";
import { ASSET_CSP } from "../../../server/platform/http/security-headers";
import {
  type BlobStore,
  databaseStore,
  filesystemStore,
  s3Store,
  setBlobStore,
} from "../../../server/platform/storage";
import { useApiServer } from "../../../testkit/api-server";
import { createOrgWithOwner } from "../../../testkit/factories/identity";
import { type S3StandIn, startS3StandIn } from "../../../tools/s3-stand-in/server";
import { png, svg } from "../images/build-images";

const api = useApiServer();
const CREDS = { accessKeyId: "assets-test", secretAccessKey: randomBytes(20).toString("hex") };
let standIn: S3StandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startS3StandIn({ ...CREDS, region: "us-east-1", buckets: ["assets"] });
  dir = await mkdtemp(path.join(tmpdir(), "patronus-assets-"));
});
afterAll(async () => {
  setBlobStore(undefined);
  await standIn?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const drivers: [string, () => BlobStore][] = [
  ["database", () => databaseStore(getDb())],
  ["filesystem", () => filesystemStore(dir)],
  ["s3", () => s3Store({ endpoint: standIn.url, bucket: "assets", region: "us-east-1", ...CREDS })],
];

const inOrg = <T>(orgId: string, fn: Parameters<typeof withScope<T>>[2]) =>
  withScope(getDb(), { orgId }, fn);
const get = (p: string, headers: Record<string, string> = {}) =>
  fetch(`${api.url}${p}`, { headers });

describe.each(drivers)("assets on the %s driver", (_name, make) => {
  beforeAll(() => setBlobStore(make()));

  it("stores a logo and serves exactly its bytes with the stored type, publicly", async () => {
    const { org } = await createOrgWithOwner();
    const file = png(120, 40);
    const asset = await inOrg(org.id, (tx) => storeImage(tx, org.id, "logo", file));
    expect(asset).toMatchObject({
      contentType: "image/png",
      width: 120,
      height: 40,
      byteSize: file.length,
      url: `/assets/${asset.id}`,
    });
    expect(asset.id).toMatch(/^ast_[\w-]{24}$/);
    const res = await get(asset.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
    const again = await get(asset.url, { "if-none-match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
  });

  it("stores the sanitised SVG and serves it under a sandboxing CSP", async () => {
    const { org } = await createOrgWithOwner();
    const hostile = svg(`<script>alert(1)</script><rect width="4" height="4" onclick="x"/>`);
    const asset = await inOrg(org.id, (tx) => storeImage(tx, org.id, "favicon", hostile));
    const res = await get(asset.url);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("content-security-policy")).toBe(ASSET_CSP);
    const body = await res.text();
    expect(body).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="4" height="4"/></svg>',
    );
    expect(asset.byteSize).toBe(Buffer.byteLength(body));
  });

  it("refuses bad input with a clear 400 and writes nothing", async () => {
    const { org } = await createOrgWithOwner();
    for (const [slot, bytes] of [
      ["logo", Buffer.from("GIF89a")],
      ["favicon", png(64, 16)],
      ["banner", png(20, 20)],
    ] as const) {
      const error = await inOrg(org.id, (tx) =>
        storeImage(tx, org.id, slot as "logo", bytes),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BAD_REQUEST");
    }
    const rows = await inOrg(org.id, (tx) => tx.asset.count({ where: { orgId: org.id } }));
    expect(rows).toBe(0);
  });

  it("deletes an org's own asset only; a rolled-back delete keeps it", async () => {
    const a = await createOrgWithOwner();
    const b = await createOrgWithOwner();
    const asset = await inOrg(a.org.id, (tx) => storeImage(tx, a.org.id, "logo", png(32, 32)));
    const notFound = await inOrg(b.org.id, (tx) => deleteAsset(tx, b.org.id, asset.id)).catch(
      (e: AppError) => e.code,
    );
    expect(notFound).toBe("NOT_FOUND");
    await inOrg(a.org.id, async (tx) => {
      await deleteAsset(tx, a.org.id, asset.id);
      throw new Error("roll back");
    }).catch(() => undefined);
    expect((await get(asset.url)).status).toBe(200);

    await inOrg(a.org.id, (tx) => deleteAsset(tx, a.org.id, asset.id));
    expect((await get(asset.url)).status).toBe(404);
    expect(await make().get(`assets/${a.org.id}/${asset.id}`)).toBeNull();
    const twice = await inOrg(a.org.id, (tx) => deleteAsset(tx, a.org.id, asset.id)).catch(
      (e: AppError) => e.code,
    );
    expect(twice).toBe("NOT_FOUND");
  });
});

describe("the public route", () => {
  beforeAll(() => setBlobStore(databaseStore(getDb())));

  it("answers 404, never 500, for unknown and malformed ids", async () => {
    for (const id of [
      `ast_${"A".repeat(24)}`,
      "nope",
      "ast_%00%00",
      "..%2F..%2Fetc%2Fpasswd",
      "%E0%A4%A",
      `ast_${"x".repeat(5000)}`,
      "ast_'%3B%20DROP%20TABLE%20assets%3B--",
    ]) {
      const res = await get(`/assets/${id}`);
      expect(res.status, id).toBe(404);
      await res.body?.cancel();
    }
  });
});

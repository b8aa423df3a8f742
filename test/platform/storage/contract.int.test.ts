// The same cases over every storage driver: what the assets layer relies on (round trip
// of any bytes with their content type, replace, idempotent delete, keys checked) holds
// whichever STORAGE_DRIVER a deployment picks.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../server/platform/db/client";
import {
  type BlobStore,
  databaseStore,
  filesystemStore,
  s3Store,
} from "../../../server/platform/storage";
import { type S3StandIn, startS3StandIn } from "../../../tools/s3-stand-in/server";

const CREDS = { accessKeyId: "test-key-id", secretAccessKey: randomBytes(20).toString("hex") };
let standIn: S3StandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startS3StandIn({ ...CREDS, region: "eu-test-1", buckets: ["patronus-test"] });
  dir = await mkdtemp(path.join(tmpdir(), "patronus-storage-"));
});
afterAll(async () => {
  await standIn?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const s3 = (overrides: Partial<Parameters<typeof s3Store>[0]> = {}) =>
  s3Store({
    endpoint: standIn.url,
    bucket: "patronus-test",
    region: "eu-test-1",
    ...CREDS,
    ...overrides,
  });

const drivers: [string, () => BlobStore][] = [
  ["database", () => databaseStore(getDb())],
  ["filesystem", () => filesystemStore(dir)],
  ["s3", () => s3()],
];

const key = () => `contract/${randomBytes(6).toString("hex")}/object.bin`;
const everyByte = Uint8Array.from({ length: 512 }, (_, i) => i % 256);

describe.each(drivers)("the %s driver", (_name, make) => {
  it("gives back exactly the bytes and content type it was given", async () => {
    const store = make();
    const k = key();
    await store.put(k, everyByte, "image/png");
    const got = await store.get(k);
    expect(got?.contentType).toBe("image/png");
    expect(Buffer.from(got!.bytes).equals(Buffer.from(everyByte))).toBe(true);
  });

  it("stores an empty object and an object with a newline-rich body", async () => {
    const store = make();
    const [a, b] = [key(), key()];
    await store.put(a, new Uint8Array(), "application/octet-stream");
    await store.put(b, new TextEncoder().encode("\n\n<svg/>\n"), "image/svg+xml");
    expect((await store.get(a))?.bytes.length).toBe(0);
    expect(new TextDecoder().decode((await store.get(b))!.bytes)).toBe("\n\n<svg/>\n");
  });

  it("answers null for a missing key", async () => {
    expect(await make().get(key())).toBeNull();
  });

  it("replaces an object on put, and keeps each object whole under concurrent puts", async () => {
    const store = make();
    const k = key();
    await store.put(k, new Uint8Array([1]), "image/gif");
    const bodies = Array.from({ length: 8 }, (_, i) => new Uint8Array(4096).fill(i));
    await Promise.all(bodies.map((b) => store.put(k, b, "image/webp")));
    const got = await store.get(k);
    expect(got?.contentType).toBe("image/webp");
    expect(got!.bytes.length).toBe(4096);
    expect(new Set(got!.bytes).size).toBe(1);
  });

  it("deletes, and deleting a missing object is not an error", async () => {
    const store = make();
    const k = key();
    await store.put(k, everyByte, "image/png");
    await store.delete(k);
    expect(await store.get(k)).toBeNull();
    await store.delete(k);
  });

  it("refuses keys that could leave the store or mean something else", async () => {
    const store = make();
    for (const bad of [
      "",
      "/etc/passwd",
      "../escape",
      "a/../../b",
      "a//b",
      ".hidden",
      "a/./b",
      "a\\b",
      "a b",
      "a/",
      "é",
      "a%2fb",
      "x".repeat(200),
    ]) {
      await expect(store.put(bad, everyByte, "image/png"), bad).rejects.toThrow(
        /Invalid storage key/,
      );
      await expect(store.get(bad), bad).rejects.toThrow(/Invalid storage key/);
      await expect(store.delete(bad), bad).rejects.toThrow(/Invalid storage key/);
    }
    await expect(store.put(key(), everyByte, "image/png\r\nx-evil: 1")).rejects.toThrow(
      /Invalid content type/,
    );
  });
});

describe("the filesystem driver's files", () => {
  it("keeps every object under STORAGE_DIR and leaves no temp file behind", async () => {
    const store = filesystemStore(dir);
    await store.put("fs/one/two.png", everyByte, "image/png");
    const files = (await readdir(dir, { recursive: true })).map(String);
    expect(files).toContain(path.join("fs", "one", "two.png"));
    expect(files.filter((f) => path.basename(f).startsWith(".tmp-"))).toEqual([]);
  });
});

describe("the s3 driver against the stand-in's signature check", () => {
  it("is refused with S3's error when its secret is wrong", async () => {
    const wrong = s3({ secretAccessKey: "not-the-secret" });
    await expect(wrong.put(key(), everyByte, "image/png")).rejects.toThrow(
      /HTTP 403 SignatureDoesNotMatch/,
    );
    await expect(wrong.get(key())).rejects.toThrow(/SignatureDoesNotMatch/);
    await expect(s3({ accessKeyId: "nobody" }).get(key())).rejects.toThrow(/InvalidAccessKeyId/);
    await expect(s3({ region: "us-east-1" }).get(key())).rejects.toThrow(
      /AuthorizationHeaderMalformed/,
    );
  });

  it("answers unsigned, tampered and replayed-elsewhere requests with S3's XML errors", async () => {
    const k = key();
    await s3().put(k, everyByte, "image/png");
    const unsigned = await fetch(`${standIn.url}/patronus-test/${k}`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toMatch(/<Error><Code>AccessDenied<\/Code>/);

    // A signed GET's headers, replayed for another key: the path is signed.
    const seen: Record<string, string> = {};
    const spy = s3({ endpoint: standIn.url });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: URL, init: RequestInit) => {
      Object.assign(seen, init.headers);
      return realFetch(url, init);
    }) as typeof fetch;
    try {
      await spy.get(k);
    } finally {
      globalThis.fetch = realFetch;
    }
    const replay = await fetch(`${standIn.url}/patronus-test/${k}-other`, { headers: seen });
    expect(replay.status).toBe(403);
    expect(await replay.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    const body = await fetch(`${standIn.url}/patronus-test/${k}`, {
      method: "PUT",
      headers: seen,
      body: "tampered",
    });
    expect(body.status).toBe(400);
    expect(await body.text()).toMatch(/<Code>XAmzContentSHA256Mismatch<\/Code>/);
    expect(
      Buffer.from(standIn.objects.get(`patronus-test/${k}`)!.bytes).equals(Buffer.from(everyByte)),
    ).toBe(true);
  });
});

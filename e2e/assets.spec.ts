// Uploaded images through the real Next.js server: the route's own headers win over the
// pages' proxy and next.config.ts (an SVG's sandboxing CSP above all), 404 for unknown ids.
// The validation and the route's logic: test/platform/images/, test/platform/assets/.
import { createHash, randomBytes } from "node:crypto";
import { png, svg } from "../test/platform/images/build-images";
import { expect, ownerQuery, test } from "./fixtures";

async function insertAsset(bytes: Buffer, contentType: string) {
  const { rows } = await ownerQuery(`SELECT id FROM organizations ORDER BY "createdAt" LIMIT 1`);
  const orgId = rows[0].id as string;
  const id = `ast_${randomBytes(18).toString("base64url")}`;
  const key = `assets/${orgId}/${id}`;
  await ownerQuery(`INSERT INTO blobs (key, "contentType", bytes) VALUES ($1, $2, $3)`, [
    key,
    contentType,
    bytes,
  ]);
  await ownerQuery(
    `INSERT INTO assets (id, "orgId", slot, "contentType", "byteSize", width, height, sha256, "storageKey")
     VALUES ($1, $2, 'logo', $3, $4, 64, 64, $5, $6)`,
    [id, orgId, contentType, bytes.length, createHash("sha256").update(bytes).digest("hex"), key],
  );
  return `/assets/${id}`;
}

test("uploaded images are served with their type, nosniff, immutable caching and CSP", async ({
  request,
}) => {
  const cases = [
    [png(64, 64), "image/png", "default-src 'none'; style-src 'unsafe-inline'; sandbox"],
    [
      svg('<rect width="4" height="4"/>'),
      "image/svg+xml",
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    ],
  ] as const;
  for (const [bytes, type, csp] of cases) {
    const url = await insertAsset(Buffer.from(bytes), type);
    const res = await request.get(url);
    expect(res.status()).toBe(200);
    const headers = res.headers();
    expect(headers["content-type"]).toBe(type);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(headers["content-security-policy"]).toBe(csp);
    expect(Buffer.from(await res.body()).equals(Buffer.from(bytes))).toBe(true);
  }
  for (const id of [`ast_${"A".repeat(24)}`, "nope", "..%2F..%2Fetc%2Fpasswd", "ast_%2e%2e"]) {
    const res = await request.get(`/assets/${id}`);
    expect(res.status(), id).toBe(404);
  }
  // A NUL in the path: Next.js refuses it (400) before any route runs.
  expect((await request.get("/assets/ast_%00")).status()).toBe(400);
});

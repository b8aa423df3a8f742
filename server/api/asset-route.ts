import { readPublicAsset } from "../platform/assets";
import { defineRoute, HttpError } from "../platform/http/route";
import { ASSET_CSP } from "../platform/http/security-headers";

/**
 * GET /assets/<id>: an org's validated image, public (brand images show on sign-in pages
 * and in emails). Served with its stored type, never sniffed, cached for good (a new
 * upload gets a new id). Unknown or malformed ids are 404.
 */
export function assetRoute(id: string) {
  return defineRoute({
    name: "assets.get",
    maxBodyBytes: 0,
    async handle({ request }) {
      const asset = await readPublicAsset(id);
      if (!asset) throw new HttpError(404, "NOT_FOUND", "No such asset");
      const etag = `"${asset.sha256}"`;
      const headers = {
        "content-type": asset.contentType,
        "x-content-type-options": "nosniff",
        "cache-control": "public, max-age=31536000, immutable",
        // What an SVG opened on its own may do: draw, in a sandbox (next.config.ts sets the same).
        "content-security-policy": ASSET_CSP,
        // Branded emails and white-label hosts load these from elsewhere.
        "cross-origin-resource-policy": "cross-origin",
        etag,
      };
      if (request.headers.get("if-none-match") === etag)
        return new Response(null, { status: 304, headers });
      return new Response(new Uint8Array(asset.bytes), {
        headers: { ...headers, "content-length": String(asset.bytes.length) },
      });
    },
  });
}

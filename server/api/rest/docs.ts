// /api/v1/docs: the API reference, rendered by Swagger UI served from this portal (its
// browser bundle and stylesheet from node_modules/swagger-ui-dist, never a CDN), with
// charset=utf-8 (Swagger UI renders blank without it) and the request's CSP nonce on its
// scripts.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { defineRoute, HttpError } from "../../platform/http/route";
import { openApiDocument } from "./openapi";

const ASSETS: Record<string, string> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

/** The nonce proxy.ts put into this request's Content-Security-Policy. */
function nonceOf(request: Request) {
  const csp = request.headers.get("content-security-policy") ?? "";
  return /'nonce-([\w+/=-]+)'/.exec(csp)?.[1] ?? "";
}

const page = (nonce: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Patronus API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
</head>
<body>
<main id="api-reference"></main>
<script nonce="${nonce}" src="/api/v1/docs/swagger-ui-bundle.js"></script>
<script nonce="${nonce}">
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#api-reference",
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
  // Tags start closed: with every operation open (the default) this Swagger UI stops
  // rendering after the first few tags once the document passes ~120 operations.
  docExpansion: "none",
});
</script>
</body>
</html>
`;

/** GET /api/v1/docs */
export const docsPage = defineRoute({
  name: "rest.docs",
  maxBodyBytes: 0,
  async handle({ request }) {
    return new Response(page(nonceOf(request)), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  },
});

/** GET /api/v1/docs/{asset}: Swagger UI's two files. */
export function docsAsset(name: string) {
  return defineRoute({
    name: "rest.docs-asset",
    maxBodyBytes: 0,
    async handle() {
      const type = ASSETS[name];
      if (!type) throw new HttpError(404, "NOT_FOUND", "No such file");
      const file = path.join(process.cwd(), "node_modules/swagger-ui-dist", name);
      const body = await readFile(file);
      return new Response(new Uint8Array(body), {
        headers: { "content-type": type, "cache-control": "public, max-age=3600" },
      });
    },
  });
}

/** GET /api/v1/openapi.json */
export const openApiRoute = defineRoute({
  name: "rest.openapi",
  maxBodyBytes: 0,
  async handle() {
    return new Response(JSON.stringify(await openApiDocument()), {
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" },
    });
  },
});

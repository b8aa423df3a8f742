// GET /api/fleet/agent.mjs: the agent as one file for Node 20 (built by
// `npm run build:agent`), downloaded by install.sh.
import { readFile } from "node:fs/promises";
import path from "node:path";

export const dynamic = "force-dynamic";

export async function GET() {
  const file = path.join(process.cwd(), "dist/agent/patronus-agent.mjs");
  const body = await readFile(file).catch(() => undefined);
  if (!body)
    return new Response("The agent bundle is not built: run npm run build:agent\n", {
      status: 404,
      headers: { "content-type": "text/plain" },
    });
  return new Response(body, {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" },
  });
}

// GET /install.sh: the agent installer, with this portal's URL filled in. The one-line
// command a site's page shows pipes it to sh with the enrollment token.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/server/env";

export const dynamic = "force-dynamic";

export async function GET() {
  const template = await readFile(path.join(process.cwd(), "edge-agent/install.sh.tmpl"), "utf8");
  const body = template.replaceAll("__PORTAL_URL__", env.APP_URL.replace(/\/$/, ""));
  return new Response(body, {
    headers: { "content-type": "text/x-shellscript; charset=utf-8", "cache-control": "no-store" },
  });
}

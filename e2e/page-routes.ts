// Every page of the app, from app/: the journeys that must visit them all check against it.
import { readdirSync } from "node:fs";
import path from "node:path";

/** Route patterns of every page.tsx under app/ (`/o/:slug/sites/:siteId`). */
export function pageRoutes(
  dir = path.resolve(import.meta.dirname, "../app"),
  prefix = "",
): string[] {
  const routes: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "page.tsx") routes.push(prefix || "/");
    if (!entry.isDirectory() || entry.name.startsWith("_") || entry.name === "api") continue;
    const segment = entry.name.startsWith("(") ? "" : `/${entry.name.replace(/^\[(.+)\]$/, ":$1")}`;
    routes.push(...pageRoutes(path.join(dir, entry.name), prefix + segment));
  }
  return routes;
}

export const matches = (route: string, pathname: string) =>
  new RegExp(`^${route.replace(/:[^/]+/g, "[^/]+")}$`).test(pathname);

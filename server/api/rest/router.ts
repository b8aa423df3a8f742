// The REST API's router: every tRPC procedure that names a route (Meta.route), as oRPC
// procedures (@orpc/trpc runs the whole tRPC ladder for each call: budget, auth, the org's
// transaction, permission, input and output schemas). Procedures without a route stay the
// portal's own; oRPC would otherwise serve them at POST /{router}/{procedure}.
import { type AnyProcedure, isProcedure } from "@orpc/server";
import { toORPCRouter } from "@orpc/trpc";
import { appRouter } from "../root";

type Tree = { [key: string]: Tree | AnyProcedure };

/** Routers whose name does not make its tag by the plural rule below. */
const TAGS: Record<string, string> = {
  apiKey: "API keys",
  apiAccess: "API access",
  audit: "Audit log",
  billing: "Billing",
};

/** "site" → "Sites", "slaClass" → "Sla classes": the document's tag of a top-level router. */
function tagOf(key: string) {
  if (TAGS[key]) return TAGS[key];
  const words = key.replace(/([A-Z])/g, " $1").toLowerCase();
  const plural = /[^aeiou]y$/.test(words)
    ? `${words.slice(0, -1)}ies`
    : words.endsWith("s")
      ? words
      : `${words}s`;
  return plural[0]!.toUpperCase() + plural.slice(1);
}

function routedOnly(tree: Tree, tag?: string): Tree {
  const kept: Tree = {};
  for (const [key, node] of Object.entries(tree)) {
    if (isProcedure(node)) {
      const route = node["~orpc"].route;
      if (!route.path) continue;
      if (!route.tags?.length) node["~orpc"].route = { ...route, tags: [tag ?? tagOf(key)] };
      kept[key] = node;
    } else {
      const inner = routedOnly(node as Tree, tag ?? tagOf(key));
      if (Object.keys(inner).length) kept[key] = inner;
    }
  }
  return kept;
}

let built: Tree | undefined;

/** The routed procedures of the API (built once). */
export function restRouter(): Tree {
  built ??= routedOnly(toORPCRouter(appRouter) as unknown as Tree);
  return built;
}

// The import direction of the tree (docs/architecture.md, "Layers and import rules"), as data.
// Each rule names the files it governs and says what an import of theirs may reach.
import type { ImportEdge } from "./import-graph";

export interface ImportRule {
  name: string;
  /** Why the rule exists, printed with each violation. */
  why: string;
  applies: (file: string) => boolean;
  /** True when the edge breaks the rule. */
  breaks: (edge: ImportEdge) => boolean;
}

const under = (dir: string) => (file: string) => file.startsWith(`${dir}/`);
/** Test files, and the test runners' own configs (they load e2e/ and testkit/ by design). */
const isTest = (file: string) =>
  /\.(test|spec)\.tsx?$/.test(file) || /(^|\/)(playwright|vitest)\.config\.m?ts$/.test(file);
const TEST_ONLY = ["test", "testkit", "e2e", "bench"];
const domainOf = (file: string) => /^server\/domains\/([^/]+)\//.exec(file)?.[1];

export const IMPORT_RULES: ImportRule[] = [
  {
    name: "agent-imports-protocol-only",
    why: "the agent ships alone to the boxes: it may use the wire protocol, nothing of the server",
    applies: under("edge-agent"),
    breaks: (e) =>
      e.to !== null && !e.to.startsWith("edge-agent/") && !e.to.startsWith("protocol/"),
  },
  {
    name: "protocol-is-self-contained",
    why: "protocol/ is shared by the server and the agent, so it depends on neither",
    applies: under("protocol"),
    breaks: (e) => e.to !== null && !e.to.startsWith("protocol/"),
  },
  {
    name: "app-reaches-server-through-api",
    why: "pages and route handlers use the server's public surface, server/api (types excepted)",
    applies: under("app"),
    breaks: (e) =>
      !e.typeOnly && e.to !== null && e.to.startsWith("server/") && !e.to.startsWith("server/api/"),
  },
  {
    name: "app-links-through-the-portal-link",
    why: "next/link prefetches every link in view, each a server render of a dynamic page: app/_components/link.tsx prefetches on hover",
    applies: (file) => under("app")(file) && file !== "app/_components/link.tsx",
    breaks: (e) => e.specifier === "next/link",
  },
  {
    name: "domains-meet-through-index",
    why: "a domain's index.ts is its public surface; its other files are private to it",
    applies: (file) => domainOf(file) !== undefined,
    breaks: (e) => {
      const other = e.to && domainOf(e.to);
      return !!other && other !== domainOf(e.from) && e.to !== `server/domains/${other}/index.ts`;
    },
  },
  {
    name: "platform-below-domains",
    why: "server/platform is the layer every domain stands on; it knows none of them",
    applies: under("server/platform"),
    breaks: (e) => !!e.to?.startsWith("server/domains/"),
  },
  {
    name: "sdk-is-self-contained",
    why: "the TypeScript SDK ships alone as @patronus/sdk: it may use its own files and packages",
    applies: under("sdk/typescript"),
    breaks: (e) => e.to !== null && !e.to.startsWith("sdk/typescript/"),
  },
  {
    name: "cli-uses-the-sdk",
    why: "the CLI talks to the API only through the TypeScript SDK, as any client would",
    applies: under("cli"),
    breaks: (e) =>
      e.to !== null && !e.to.startsWith("cli/") && !e.to.startsWith("sdk/typescript/src/"),
  },
  {
    name: "no-test-code-at-run-time",
    why: "test/, testkit/, e2e/ and bench/ are not shipped; product code must run without them",
    applies: (file) => !TEST_ONLY.some((dir) => file.startsWith(`${dir}/`)) && !isTest(file),
    breaks: (e) => e.to !== null && TEST_ONLY.some((dir) => e.to?.startsWith(`${dir}/`)),
  },
  {
    name: "sdk-generators-read-the-document-only",
    why: "the Python and Go SDKs come from sdk/openapi.json alone, never from the server's code",
    applies: under("sdk/generators"),
    breaks: (e) => e.to !== null && !e.to.startsWith("sdk/generators/"),
  },
];

export interface Violation {
  rule: string;
  why: string;
  at: string;
  specifier: string;
}

export function checkImports(edges: ImportEdge[], rules = IMPORT_RULES): Violation[] {
  return edges.flatMap((edge) =>
    rules
      .filter((rule) => rule.applies(edge.from) && rule.breaks(edge))
      .map((rule) => ({
        rule: rule.name,
        why: rule.why,
        at: `${edge.from}:${edge.line}`,
        specifier: edge.specifier,
      })),
  );
}

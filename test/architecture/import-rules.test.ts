// The tree's import direction holds (docs/architecture.md): a forbidden import fails CI.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, readImports } from "./import-graph";
import { checkImports } from "./import-rules";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources() {
  const out = execFileSync(
    "git",
    ["ls-files", "-co", "--exclude-standard", "*.ts", "*.tsx", "*.mts"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  // git lists a deleted file until the deletion is committed: check the tree as it is
  return out
    .split("\n")
    .filter((f) => f && !f.includes("/generated/") && existsSync(path.join(ROOT, f)));
}

/** Violations of one made-up file, resolved against the real tree. */
const violationsOf = (file: string, text: string) =>
  checkImports(importsOf(ROOT, file, text)).map((v) => v.rule);

describe("import rules", () => {
  it("hold over the whole tree", () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(300);
    const violations = checkImports(readImports(ROOT, files));
    expect(violations.map((v) => `${v.at} imports ${v.specifier}: ${v.rule} (${v.why})`)).toEqual(
      [],
    );
  }, 120_000); // reads and parses every source file: CPU-bound, slow on a busy machine

  it("keep the agent off the server", () => {
    const file = "edge-agent/src/agent/x.ts";
    expect(violationsOf(file, `import { env } from "../../../server/platform/env";`)).toEqual([
      "agent-imports-protocol-only",
    ]);
    expect(violationsOf(file, `import { ZDesired } from "../../../protocol";`)).toEqual([]);
    expect(violationsOf(file, `import { z } from "zod";`)).toEqual([]);
  });

  it("keep the SDK standalone and the CLI on the SDK", () => {
    const sdk = "sdk/typescript/src/x.ts";
    expect(violationsOf(sdk, `import { env } from "../../../server/platform/env";`)).toEqual([
      "sdk-is-self-contained",
    ]);
    expect(violationsOf(sdk, `import createClient from "openapi-fetch";`)).toEqual([]);
    expect(
      violationsOf("cli/x.ts", `import { getDb } from "../server/platform/db/client";`),
    ).toEqual(["cli-uses-the-sdk"]);
    expect(
      violationsOf("cli/x.ts", `import { paginate } from "../sdk/typescript/src/index";`),
    ).toEqual([]);
  });

  it("keep protocol/ free of the server and the agent", () => {
    expect(
      violationsOf("protocol/x.ts", `import { getDb } from "@/server/platform/db/client";`),
    ).toEqual(["protocol-is-self-contained"]);
  });

  it("let app/ use the server only through server/api, types excepted", () => {
    const file = "app/o/[slug]/x.tsx";
    expect(violationsOf(file, `import { getDb } from "@/server/platform/db/client";`)).toEqual([
      "app-reaches-server-through-api",
    ]);
    expect(violationsOf(file, `const m = await import("@/server/platform/env");`)).toEqual([
      "app-reaches-server-through-api",
    ]);
    expect(violationsOf(file, `import type { Tx } from "@/server/platform/db/client";`)).toEqual(
      [],
    );
    expect(violationsOf(file, `import { type Tx } from "@/server/platform/db/client";`)).toEqual(
      [],
    );
    expect(violationsOf(file, `import { getCaller } from "@/server/api/root";`)).toEqual([]);
  });

  it("let app/ link only through the portal's Link", () => {
    expect(violationsOf("app/o/[slug]/x.tsx", `import Link from "next/link";`)).toEqual([
      "app-links-through-the-portal-link",
    ]);
    expect(
      violationsOf("app/o/[slug]/x.tsx", `import { Link } from "@/app/_components/link";`),
    ).toEqual([]);
  });

  it("let domains meet only through index.ts", () => {
    const file = "server/domains/overlay/services/x.ts";
    expect(
      violationsOf(file, `import { assertQuota } from "../../billing/services/quota";`),
    ).toEqual(["domains-meet-through-index"]);
    expect(violationsOf(file, `import type { Intent } from "../../fleet/intent/schemas";`)).toEqual(
      ["domains-meet-through-index"],
    );
    expect(violationsOf(file, `import { assertQuota } from "../../billing";`)).toEqual([]);
    expect(violationsOf(file, `import { x } from "./crud";`)).toEqual([]);
  });

  it("keep the platform below the domains", () => {
    expect(
      violationsOf("server/platform/db/x.ts", `import { routers } from "../../domains/billing";`),
    ).toEqual(["platform-below-domains"]);
  });

  it("keep test code out of what runs", () => {
    expect(
      violationsOf("workers/x.ts", `import { createStripeStub } from "../test/billing/stub/lib";`),
    ).toEqual(["no-test-code-at-run-time"]);
    expect(violationsOf("server/domains/billing/x.ts", `import "../../../testkit/ports";`)).toEqual(
      ["no-test-code-at-run-time"],
    );
    expect(
      violationsOf("test/billing/x.test.ts", `import { x } from "../../testkit/stack/mqtt";`),
    ).toEqual([]);
    // A test runner's config is test code: it may share the journeys' launch flags.
    expect(violationsOf("playwright.config.ts", `import { FLAGS } from "./e2e/chromium";`)).toEqual(
      [],
    );
    expect(violationsOf("next.config.ts", `import { FLAGS } from "./e2e/chromium";`)).toEqual([
      "no-test-code-at-run-time",
    ]);
  });

  it("keep the SDK generators on the document alone", () => {
    const generator = "sdk/generators/x.ts";
    expect(
      violationsOf(generator, `import { restRouter } from "../../server/api/rest/router";`),
    ).toEqual(["sdk-generators-read-the-document-only"]);
    expect(violationsOf(generator, `import { wordsOf } from "./naming";`)).toEqual([]);
  });
});

describe("server logging", () => {
  it("goes through the one logger (server/platform/log), never a bare console", () => {
    const bare = sources()
      .filter((f) => /^(server|workers)\//.test(f) && !f.startsWith("server/platform/log/"))
      .flatMap((f) =>
        readFileSync(path.join(ROOT, f), "utf8")
          .split("\n")
          .flatMap((line, i) => (/\bconsole\.\w+\(/.test(line) ? [`${f}:${i + 1}`] : [])),
      );
    expect(bare).toEqual([]);
  });
});

describe("strings at the boundaries", () => {
  it("are built from the one shared text check (protocol/text.ts), never a bare z.string()", () => {
    const allowed = ["protocol/text.ts", "server/platform/env.ts"];
    const bare = sources()
      .filter((f) => /^(server|protocol|edge-agent\/src|workers)\//.test(f) && !allowed.includes(f))
      .filter((f) => !f.startsWith("server/platform/db/generated/"))
      .flatMap((f) =>
        /\bz\s*\.\s*string\(/.test(readFileSync(path.join(ROOT, f), "utf8")) ? [f] : [],
      );
    expect(bare).toEqual([]);
  });
});

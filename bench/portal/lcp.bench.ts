// Page loads of the portal, measured in Chromium: Largest Contentful Paint (LCP) of the org
// overview, side by side with a baseline page of the same app that runs no query of its
// own (the sign-in page), over the demo data. Each run opens the page in a fresh tab of a
// signed-in browser context; "cold" runs get a fresh context each (no HTTP cache), "warm"
// runs reuse one (cached scripts, like a user's second visit). Prints the median, min and
// max of each and the overview/baseline ratio of the medians. Nothing asserts on time.
//
//   RUNS=15 PAGES=/o/acme,/o/demo-msp/customers npm run bench:portal

import { loadavg } from "node:os";
import { type Browser, test } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "../../e2e/fixtures";

const RUNS = Number(process.env.RUNS ?? 15);
const PAGES = (process.env.PAGES ?? "/o/acme,/o/demo-msp,/o/demo-msp/customers").split(",");
const BASELINE = "/sign-in";
const USER = "msp-admin@demo.patronus.dev";

/** LCP of one navigation, in ms from navigation start, once the page has settled. */
async function lcpOf(browser: Browser, path: string, storageState?: string) {
  const context = await browser.newContext({ storageState });
  try {
    return await measure(await context.newPage(), path);
  } finally {
    await context.close();
  }
}

async function measure(page: import("@playwright/test").Page, path: string) {
  await page.goto(path, { waitUntil: "load" });
  await page.waitForLoadState("networkidle");
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1]!.startTime);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

test("LCP of the overview pages against the sign-in page", async ({ browser }, info) => {
  const page = await browser.newPage();
  await signIn(page, USER, DEMO_PASSWORD);
  const state = info.outputPath("state.json");
  await page.context().storageState({ path: state });
  await page.close();

  console.log(`load average at start: ${loadavg()[0]!.toFixed(2)}; ${RUNS} runs each`);
  const rows: string[] = [];
  const medians = new Map<string, { cold: number; warm: number }>();
  for (const path of [BASELINE, ...PAGES]) {
    const cold: number[] = [];
    const warm: number[] = [];
    const warmContext = await browser.newContext({ storageState: state });
    await measure(await warmContext.newPage(), path); // fills the cache
    // Interleaved, so a burst of load from elsewhere hits both kinds alike.
    for (let i = 0; i < RUNS; i++) {
      cold.push(await lcpOf(browser, path, state));
      const tab = await warmContext.newPage();
      warm.push(await measure(tab, path));
      await tab.close();
    }
    await warmContext.close();
    const c = stats(cold);
    const w = stats(warm);
    medians.set(path, { cold: c.median, warm: w.median });
    rows.push(
      `${path.padEnd(26)} cold median ${fmt(c.median)} (min ${fmt(c.min)}, max ${fmt(c.max)})` +
        `  warm median ${fmt(w.median)} (min ${fmt(w.min)}, max ${fmt(w.max)})`,
    );
  }
  const base = medians.get(BASELINE)!;
  console.log(rows.join("\n"));
  for (const path of PAGES) {
    const m = medians.get(path)!;
    console.log(
      `${path}: ${(m.cold / base.cold).toFixed(2)}x the sign-in page cold, ${(m.warm / base.warm).toFixed(2)}x warm`,
    );
  }
  console.log(`load average at end: ${loadavg()[0]!.toFixed(2)}`);
});

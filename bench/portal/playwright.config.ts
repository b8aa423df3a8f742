import { defineConfig } from "@playwright/test";
import base from "../../playwright.config";

/**
 * The portal page-load benchmark (`npm run bench:portal`): the journeys' stack (global setup
 * builds Next once, makes a fresh database with the demo seed, starts the portal and the
 * workers), with this folder's measuring script as the only "test". It prints figures; it
 * asserts nothing about time.
 */
export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "lcp.bench.ts",
  globalSetup: "../../e2e/global-setup.ts",
  globalTeardown: "../../e2e/global-teardown.ts",
  timeout: 15 * 60_000,
  outputDir: "../../test-results",
  reporter: [["list"]],
});

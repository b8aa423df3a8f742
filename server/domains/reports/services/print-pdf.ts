// Chromium's print to PDF of a self-contained page (report-html.ts). Debian's Chromium
// driven by playwright-core (never a downloaded browser), one print at a time per process:
// each is a browser of its own, and a burst would starve the machine. The page may load
// nothing: every request it makes is refused, so a stray URL cannot reach the network.
import { env } from "../../../platform/env";

let queue: Promise<unknown> = Promise.resolve();

/** Same flags as the journeys' (e2e/chromium.ts); headless, no sandbox in containers. */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function print(html: string): Promise<Uint8Array> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: env.REPORT_CHROMIUM_PATH, args: ARGS });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route("**/*", (route) => route.abort());
    await page.setContent(html, { waitUntil: "load" });
    return await page.pdf({
      format: "A4",
      landscape: true,
      printBackground: true,
      margin: { top: "12mm", bottom: "12mm", left: "10mm", right: "10mm" },
    });
  } finally {
    await browser.close();
  }
}

/** The PDF of `html`. Prints queue up one behind the other in this process. */
export function printPdf(html: string): Promise<Uint8Array> {
  const next = queue.then(() => print(html));
  queue = next.catch(() => undefined);
  return next;
}

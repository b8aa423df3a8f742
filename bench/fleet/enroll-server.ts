// The enrollment endpoint as its own process, for bench/fleet/enroll.ts: the code of the
// checkout in BENCH_ENROLL_ROOT (this one, or a copy of the baseline commit) on a loopback
// HTTP server; prints its URL once listening. Stops on SIGTERM.
import { join } from "node:path";

const root = process.env.BENCH_ENROLL_ROOT;
if (!root) throw new Error("BENCH_ENROLL_ROOT: the checkout whose endpoint to serve");
const module = join(root, "server/domains/fleet/enrollment/serve-loopback.ts");
const { serveEnrollmentOnLoopback } = (await import(module)) as {
  serveEnrollmentOnLoopback: () => Promise<{ server: import("node:http").Server; url: string }>;
};
const { server, url } = await serveEnrollmentOnLoopback();
console.log(`serving ${module}`);
console.log(`enrollment endpoint listening ${url}`);
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

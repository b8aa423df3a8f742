// npx tsx tools/s3-stand-in/main.ts: an S3-compatible stand-in on 127.0.0.1 for trying the
// s3 storage driver by hand. It uses the S3_* settings, so the portal's signatures verify.
import { env } from "../../server/platform/env";
import { startS3StandIn } from "./server";

const port = Number(new URL(env.S3_ENDPOINT || "http://127.0.0.1:9000").port || 9000);
const standIn = await startS3StandIn({
  port,
  buckets: [env.S3_BUCKET || "patronus"],
  region: env.S3_REGION,
  accessKeyId: env.S3_ACCESS_KEY_ID || "dev-access-key",
  secretAccessKey: env.S3_SECRET_ACCESS_KEY || "dev-secret-key",
});
console.log(`S3 stand-in on ${standIn.url} (in memory; Ctrl-C stops it)`);

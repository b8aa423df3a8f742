// The platform CA every Patronus process of one installation shares (docs/deploy.md,
// "Platform CA"): `FLEET_MASTER_KEY=<64 hex> npx tsx scripts/platform-ca.ts <dir>` creates
// ca.pem and ca.key.sealed (the CA key, sealed under the master key) in <dir>, or keeps
// the ones already there (an `npm start` install's .data/fleet-pki, say). In Kubernetes
// both go into a Secret from which every pod seeds its FLEET_PKI_DIR; each pod then issues
// its own leaf certificates from that one CA, so no volume is shared between pods.
import { parseArgs } from "node:util";
import { ensurePlatformPki } from "../server/domains/fleet/pki/platform";
import { env } from "../server/platform/env";

const { positionals } = parseArgs({ allowPositionals: true });
if (positionals.length !== 1) {
  console.error("usage: FLEET_MASTER_KEY=<64 hex> npx tsx scripts/platform-ca.ts <dir>");
  process.exit(2);
}
// The development default would seal the CA key under a key everyone knows.
if (/^0+$/.test(env.FLEET_MASTER_KEY)) {
  console.error(
    "platform-ca: set FLEET_MASTER_KEY (openssl rand -hex 32), the one the cluster uses",
  );
  process.exit(2);
}
const { paths } = await ensurePlatformPki(positionals[0] as string, env.FLEET_MASTER_KEY);
console.log(`platform CA ${paths.ca}, its sealed key ${paths.caKey}. Into the cluster with:
kubectl create secret generic patronus-platform-ca --from-file=ca.pem=${paths.ca} --from-file=ca.key.sealed=${paths.caKey}`);

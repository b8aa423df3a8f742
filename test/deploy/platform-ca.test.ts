// The platform CA of a cluster (docs/deploy.md, "Before installing"): scripts/platform-ca.ts
// makes it once, and every pod, seeded with only ca.pem and ca.key.sealed (the chart's init
// container), issues its own leaves from it, which chain to that one CA.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { x509 } from "../../protocol/crypto/x509";
import { ensurePlatformPki } from "../../server/domains/fleet/pki/platform";
import { ROOT } from "./chart";

const master = randomBytes(32).toString("hex");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "patronus-platform-ca-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** scripts/platform-ca.ts as an operator runs it: exit code and output. */
async function platformCa(target: string, key: string) {
  const run = promisify(execFile)("npx", ["tsx", "scripts/platform-ca.ts", target], {
    cwd: ROOT,
    env: { ...process.env, FLEET_MASTER_KEY: key },
  });
  try {
    const { stdout } = await run;
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

describe("scripts/platform-ca.ts", () => {
  it("makes the CA once and keeps it on a second run", async () => {
    const target = join(dir, "made");
    const first = await platformCa(target, master);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain("kubectl create secret generic patronus-platform-ca");
    const ca = await readFile(join(target, "ca.pem"), "utf8");
    expect(await readFile(join(target, "ca.key.sealed"), "utf8")).not.toContain("PRIVATE KEY");
    expect((await platformCa(target, master)).code).toBe(0);
    expect(await readFile(join(target, "ca.pem"), "utf8")).toBe(ca);
  }, 60_000);

  it("refuses the all-zero development key", async () => {
    const refused = await platformCa(join(dir, "zero"), "0".repeat(64));
    expect(refused.code).toBe(2);
    expect(refused.out).toContain("FLEET_MASTER_KEY");
  }, 60_000);

  it("lets pods seeded with its two files issue leaves that chain to it", async () => {
    const made = await ensurePlatformPki(join(dir, "operator"), master);
    const ca = new x509.X509Certificate(made.caPem);
    for (const pod of ["portal", "fleet"]) {
      const seeded = join(dir, `pod-${pod}`);
      await mkdir(seeded);
      await copyFile(made.paths.ca, join(seeded, "ca.pem"));
      await copyFile(made.paths.caKey, join(seeded, "ca.key.sealed"));
      const own = await ensurePlatformPki(seeded, master, { hosts: ["patronus-fleet"] });
      expect(own.caPem).toBe(made.caPem);
      expect(own.brokerCertPem).not.toBe(made.brokerCertPem);
      for (const leaf of [own.brokerCertPem, own.controlCertPem])
        expect(
          await new x509.X509Certificate(leaf).verify({
            publicKey: ca.publicKey,
            signatureOnly: true,
          }),
        ).toBe(true);
    }
  });
});

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ZWgKey } from "../../../../protocol";
import { generatePrivateKey, KEY_FILE, loadOrCreateKey, publicKeyOf } from "./keys";

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), "patronus-keys-"));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("tunnel keys", () => {
  it("makes clamped 32-byte keys in WireGuard's base64 form", () => {
    const k = generatePrivateKey();
    expect(ZWgKey.safeParse(k).success).toBe(true);
    const raw = Buffer.from(k, "base64");
    expect(raw).toHaveLength(32);
    expect(raw[0]! & 7).toBe(0);
    expect(raw[31]! & 0xc0).toBe(0x40);
    expect(ZWgKey.safeParse(publicKeyOf(k)).success).toBe(true);
  });

  it("derives the public key the way WireGuard does (RFC 7748 test vector)", () => {
    // Alice's key pair from RFC 7748 section 6.1.
    const priv = Buffer.from(
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
      "hex",
    );
    const pub = Buffer.from(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
      "hex",
    );
    expect(publicKeyOf(priv.toString("base64"))).toBe(pub.toString("base64"));
  });

  it.skipIf(!existsSync("/usr/bin/wg"))("agrees with `wg pubkey`", () => {
    const k = generatePrivateKey();
    expect(
      execFileSync("wg", ["pubkey"], { input: `${k}\n` })
        .toString()
        .trim(),
    ).toBe(publicKeyOf(k));
  });

  it("is made once, stored 0600 in the state dir, and read back unchanged", async () => {
    const dir = await tmp();
    const a = await loadOrCreateKey(join(dir, "state"));
    expect(a.path).toBe(join(dir, "state", KEY_FILE));
    expect((await stat(a.path)).mode & 0o777).toBe(0o600);
    const text = (await readFile(a.path, "utf8")).trim();
    expect(publicKeyOf(text)).toBe(a.publicKey);
    const b = await loadOrCreateKey(join(dir, "state"));
    expect(b.publicKey).toBe(a.publicKey);
  });

  it("refuses a damaged key file rather than replacing the key", async () => {
    const dir = await tmp();
    await writeFile(join(dir, KEY_FILE), "not a key\n");
    await expect(loadOrCreateKey(dir)).rejects.toThrow(/is not a WireGuard private key/);
  });
});

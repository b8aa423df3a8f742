import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SealError, seal, unseal } from "../../server/platform/crypto/seal";

const key = randomBytes(32).toString("hex");

describe("seal", () => {
  it("round-trips, with a fresh IV each time", () => {
    const a = seal("secret key material", key);
    const b = seal("secret key material", key);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(unseal(a, key).toString()).toBe("secret key material");
    expect(unseal(b, key.toUpperCase()).toString()).toBe("secret key material");
  });

  it("refuses a wrong key", () => {
    const sealed = seal(Buffer.from([1, 2, 3]), key);
    expect(() => unseal(sealed, randomBytes(32).toString("hex"))).toThrow(
      new SealError("cannot unseal: wrong master key, or the sealed value was tampered with"),
    );
  });

  it("refuses tampered ciphertext, tag or IV", () => {
    const parts = seal("hello world", key).split(".");
    for (const i of [1, 2, 3]) {
      const bytes = Buffer.from(parts[i]!, "base64url");
      bytes[0]! ^= 1;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString("base64url") : p)).join(".");
      expect(() => unseal(tampered, key)).toThrow(SealError);
      expect(() => unseal(tampered, key)).toThrow(/wrong master key|tampered|malformed/);
    }
  });

  it("refuses malformed values and keys with a message saying so", () => {
    for (const bad of ["", "v1.a.b", "v2.a.b.c", "v1.a.b.c.d", "v1.!!.b.c", "v1.AAAA.BBBB.CCCC"])
      expect(() => unseal(bad, key)).toThrow(/malformed/);
    expect(() => seal("x", "abc")).toThrow(
      new SealError("master key must be 64 hex characters (32 bytes)"),
    );
    expect(() => unseal(seal("x", key), "z".repeat(64))).toThrow(/64 hex characters/);
  });
});

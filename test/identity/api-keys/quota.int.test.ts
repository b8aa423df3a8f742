// The plan's API key limit: live keys count; revoked and expired ones free their slot.

// Stripe first: the stand-in runs and billing is on before any server module loads.
import "../../../testkit/stripe-env";

import { afterAll, describe, expect, it } from "vitest";
import { closeQueues } from "../../../server/platform/jobs/queues";
import { billedOrg } from "../../../testkit/factories/billing";
import { ownerDb } from "./lib";

afterAll(async () => {
  await closeQueues();
  await ownerDb.$disconnect();
});

const create = (o: Awaited<ReturnType<typeof billedOrg>>, name: string) =>
  o.api.apiKey.create({ orgSlug: o.slug, name, scopes: ["site.read"], allowedCidrs: [] });

describe("API key quota", () => {
  it("stops a free org at 2 live keys; revoking or expiry frees a slot", async () => {
    const o = await billedOrg();
    const a = await create(o, "a");
    const b = await create(o, "b");
    const refused = await create(o, "c").catch((e) => e);
    expect(refused).toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(refused.message).toMatch(/Free plan allows 2 API keys/);
    await o.api.apiKey.revoke({ orgSlug: o.slug, apiKeyId: a.key.id });
    await create(o, "c");
    await ownerDb.$executeRaw`
      UPDATE api_keys SET "expiresAt" = now() - interval '1 second' WHERE id = ${b.key.id}`;
    await create(o, "d");
    expect(await create(o, "e").catch((e) => e.code)).toBe("PAYMENT_REQUIRED");
  });
});

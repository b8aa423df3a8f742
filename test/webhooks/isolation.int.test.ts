// One queue per endpoint: a receiver that never answers holds only its own endpoint's
// deliveries (at most WEBHOOK_ENDPOINT_IN_FLIGHT at once), while another endpoint of the
// same org and an endpoint of another org get all of theirs.
import "./webhook-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/platform/db/client";
import { withScope } from "../../server/platform/db/with-tenant";
import { env } from "../../server/platform/env";
import { closeQueues } from "../../server/platform/jobs/queues";
import { callerFor, createOrgWithOwner } from "../../testkit/factories/identity";
import { until } from "../../testkit/wait";
import { startReceiver } from "../../testkit/webhook-receiver";
import { runWorkers } from "../../workers/run-workers";

let stopWorkers: () => Promise<void>;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

beforeAll(async () => {
  // Longer than this test runs: the hung requests stay hung until the receiver closes.
  Object.assign(env, { WEBHOOK_TIMEOUT_MS: 60_000 });
  stopWorkers = runWorkers(getDb(), () => {});
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await stopWorkers();
  await closeQueues();
});

async function endpointTo(
  answer: "ok" | "hang",
  org?: Awaited<ReturnType<typeof createOrgWithOwner>>,
) {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const o = org ?? (await createOrgWithOwner());
  const api = callerFor(o.owner);
  const { endpoint } = await api.webhook.create({
    orgSlug: o.slug,
    url: receiver.url,
    events: ["rollout.halted"],
  });
  return { receiver, endpoint, api, org: o };
}

describe("per-endpoint isolation", () => {
  it("a receiver that hangs delays neither another endpoint nor another org", async () => {
    const slow = await endpointTo("hang");
    const fast = await endpointTo("ok", slow.org);
    const other = await endpointTo("ok");
    const N = 8;
    for (let i = 0; i < N; i++) {
      await slow.api.webhook.sendTest({ orgSlug: slow.org.slug, endpointId: slow.endpoint.id });
      await fast.api.webhook.sendTest({ orgSlug: fast.org.slug, endpointId: fast.endpoint.id });
      await other.api.webhook.sendTest({ orgSlug: other.org.slug, endpointId: other.endpoint.id });
    }
    const succeeded = async (e: typeof fast) => {
      const page = await e.api.webhook.deliveries({
        orgSlug: e.org.slug,
        endpointId: e.endpoint.id,
        status: "succeeded",
        limit: 100,
      });
      return page.items.length;
    };
    await until(
      "every delivery of the other endpoints to succeed",
      async () => (await succeeded(fast)) === N && (await succeeded(other)) === N,
    );
    // Meanwhile the hung endpoint has exactly its in-flight share out, and the rest waits.
    const slowRows = await withScope(getDb(), { orgId: slow.org.org.id }, (tx) =>
      tx.webhookDelivery.findMany({
        where: { orgId: slow.org.org.id, endpointId: slow.endpoint.id },
      }),
    );
    const sending = slowRows.filter((d) => d.status === "sending").length;
    expect(sending).toBeLessThanOrEqual(env.WEBHOOK_ENDPOINT_IN_FLIGHT);
    expect(slowRows.filter((d) => d.status === "succeeded")).toEqual([]);
    expect(slow.receiver.received.length).toBeLessThanOrEqual(env.WEBHOOK_ENDPOINT_IN_FLIGHT);
    expect(slowRows.filter((d) => d.status === "pending").length).toBe(N - sending);
  });
});

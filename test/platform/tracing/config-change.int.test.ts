// One configuration change is one trace (issue 17), on real parts: a REST call with an API
// key → the tRPC procedure → its transaction → the compile job enqueued and run by a real
// BullMQ worker → the publish on Mosquitto → simulated agents (the real agent code) apply
// and ack with the traceparent → the ingest. Spans go over OTLP/HTTP (JSON) to a receiver in
// this process; the test reads them after a flush.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enroll } from "../../../edge-agent/src/agent/enroll";
import { FileStore } from "../../../edge-agent/src/agent/store";
import { topics } from "../../../protocol";
import { startTracing, type Tracing } from "../../../server/platform/tracing/start";
import { apiKeyFor, useApiServer } from "../../../testkit/api-server";
import {
  converged,
  createSiteWithToken,
  devicesOf,
  type EnrolledFleet,
  enrollFleet,
  rolloutsOf,
  until,
} from "../../../testkit/factories/fleet";
import { createOrgWithOwner } from "../../../testkit/factories/identity";
import { type ReceivedSpan, startOtlpReceiver } from "../../../testkit/otlp-receiver";
import { useFleetStack } from "../../../testkit/stack/fleet-stack";
import { connectMqtt } from "../../../testkit/stack/mqtt";

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
const done: (() => Promise<unknown>)[] = [];

// Registered first: stops last, after the stack and the API server.
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const started = await startTracing("test", { url: receiver.url });
  if (!started) throw new Error("tracing did not start");
  tracing = started;
});
afterAll(async () => {
  for (const stop of done.reverse()) await stop();
  await tracing?.shutdown();
  await receiver?.close();
});

const stack = useFleetStack();
const server = useApiServer();

/** The spans of one trace, once `ready` says it has arrived whole. */
async function traceOf(
  what: string,
  root: (s: ReceivedSpan) => boolean,
  ready: (trace: ReceivedSpan[]) => boolean,
) {
  return until(what, async () => {
    await tracing.flush();
    const first = receiver.spans.find(root);
    const trace = first ? receiver.spans.filter((s) => s.traceId === first.traceId) : [];
    return first && ready(trace) && trace;
  });
}

describe("a configuration change, traced", () => {
  it("is one trace from the API call to every agent's apply and its ingest", async () => {
    const org = await createOrgWithOwner();
    const { token } = await createSiteWithToken(org, "HQ", 10);
    const f: EnrolledFleet = await enrollFleet(stack.portalUrl, token.token, 2);
    done.push(() => f.stop());
    await until("the devices to apply the site's config", () => converged(org.org.id));
    const key = await apiKeyFor(org.owner, org.slug);

    const res = await server.call(key, "POST", `/orgs/${org.slug}/policy-rules`, {
      priority: 10,
      action: "deny",
      src: "10.0.0.0/8",
      dst: "10.9.0.0/16",
      proto: "tcp",
      ports: { lo: 22, hi: 22 },
    });
    expect(res.status).toBe(201);
    const { revision } = (await res.json()) as { revision: number };
    await until("the rollout to complete", async () => {
      const r = (await rolloutsOf(org.org.id)).find((x) => x.revision === revision);
      return r?.status === "completed";
    });

    const trace = await traceOf(
      "the change's trace, down to both agents' ingested acks",
      (s) => s.name === "trpc policy.create",
      (t) => t.filter((s) => s.name === "fleet.ingest").length === 2,
    );
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const all = (name: string) => trace.filter((s) => s.name === name);
    const one = (name: string) => {
      const found = all(name);
      expect(
        found.map((s) => s.name),
        name,
      ).toEqual([name]);
      return found[0]!;
    };
    const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId);

    // A tree: one root, every other span's parent in the same trace.
    const roots = trace.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(["POST rest"]);
    for (const s of trace) if (s.parentSpanId) expect(parentOf(s), s.name).toBeDefined();

    const http = roots[0]!;
    expect(http.attributes["http.response.status_code"]).toBe(201);
    const procedure = one("trpc policy.create");
    const enqueue = one("enqueue fleet.compile");
    const job = one("job fleet.compile");
    const compile = one("fleet.compile");
    // The request → its procedure → its transaction; the enqueue after the commit.
    expect(parentOf(procedure)).toBe(http);
    expect(all("db.transaction").some((s) => parentOf(s) === procedure)).toBe(true);
    expect(parentOf(enqueue)).toBe(procedure);
    // Through Redis: the job's run continues its enqueue's trace.
    expect(parentOf(job)).toBe(enqueue);
    expect(parentOf(compile)).toBe(job);
    expect(compile.attributes["patronus.revision"]).toBe(revision);

    // Through MQTT: each agent's apply under the publish that sent it, each ingest under its
    // apply. The canary's is published by the job, the rest by the canary's ingest.
    const publishes = all("fleet.publish");
    expect(publishes.some((p) => parentOf(p) === job)).toBe(true);
    const applies = all("agent.apply");
    const devices = await devicesOf(org.org.id);
    expect(applies.map((a) => a.attributes["patronus.device_id"]).sort()).toEqual(
      devices.map((d) => d.id).sort(),
    );
    for (const a of applies) {
      expect(parentOf(a)?.name).toBe("fleet.publish");
      expect(a.attributes).toMatchObject({
        "patronus.revision": revision,
        "patronus.apply_status": "applied",
      });
    }
    for (const i of all("fleet.ingest")) expect(parentOf(i)?.name).toBe("agent.apply");
    expect(new Set(trace.map((s) => s.service))).toEqual(new Set(["test"]));
  });

  it("ignores a malformed traceparent from a device and still takes its ack", async () => {
    const org = await createOrgWithOwner();
    const { token } = await createSiteWithToken(org, "Branch", 10);
    const dir = await mkdtemp(path.join(tmpdir(), "patronus-trace-"));
    done.push(() => rm(dir, { recursive: true, force: true }));
    const store = new FileStore(dir);
    const r = await enroll({ url: stack.portalUrl, token: token.token, store, hostname: "raw" });
    if (r.status !== "active") throw new Error(`the box enrolled as ${r.status}`);
    const creds = (await store.loadCredentials())!;
    // The broker trusts a new org's CA after its reload: until then it refuses the box.
    let refusal = "";
    const box = await until(
      "the broker to accept the box",
      () =>
        connectMqtt(stack.broker.url, creds.brokerCaPem, creds, {
          clientId: r.identity.identity,
        }).catch((error: Error) => {
          refusal = error.message;
          return undefined;
        }),
      { seen: () => refusal },
    );
    done.push(() => box.endAsync(true));
    const deviceId = r.identity.deviceId;
    const report = (appliedAt: string, traceparent: string) =>
      JSON.stringify({
        v: 1,
        revision: 0,
        hash: null,
        status: "applied",
        error: null,
        appliedAt,
        trace: { traceparent, startedAt: appliedAt, endedAt: appliedAt },
      });
    const appliedAtIs = (at: string) => async () =>
      (await devicesOf(org.org.id)).find((d) => d.id === deviceId)?.appliedAt?.toISOString() === at;

    const first = new Date(Date.now() - 60_000).toISOString();
    // Upper-case hex, and a line break after a valid one: not W3C traceparents.
    for (const bad of [
      "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n",
    ]) {
      await box.publishAsync(topics.state(r.identity.identity), report(first, bad), { qos: 1 });
    }
    await until("the ack with a malformed trace to be written", appliedAtIs(first));

    // A well-formed one afterwards: its apply is recorded, which the malformed ones were not.
    const second = new Date().toISOString();
    const good = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await box.publishAsync(topics.state(r.identity.identity), report(second, good), { qos: 1 });
    await until("the traced ack to be written", appliedAtIs(second));
    const trace = await traceOf(
      "the device's traced apply",
      (s) => s.name === "agent.apply" && s.attributes["patronus.device_id"] === deviceId,
      (t) => t.some((s) => s.name === "fleet.ingest"),
    );
    const applies = receiver.spans.filter(
      (s) => s.name === "agent.apply" && s.attributes["patronus.device_id"] === deviceId,
    );
    expect(applies).toHaveLength(1);
    expect(applies[0]).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      parentSpanId: "b7ad6b7169203331",
    });
    const ingest = trace.find((s) => s.name === "fleet.ingest");
    expect(ingest?.parentSpanId).toBe(applies[0]?.spanId);
  });
});

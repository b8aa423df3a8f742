// The protocol policy, proved with golden fixtures of the previous release (protocol/fixtures/
// v1, written by that release's own code): today's control plane reads what its agents send
// and sends them only what they accept; today's agent applies what its control plane sent.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Applier } from "../../edge-agent/src/agent/applier";
import { checkDesired } from "../../edge-agent/src/agent/desired";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { silentLogger } from "../../edge-agent/src/agent/log";
import { MemoryStore } from "../../edge-agent/src/agent/store";
import { dataplaneSubsystem } from "../../edge-agent/src/agent/subsystems";
import {
  configHash,
  type DesiredState,
  decode,
  LEGACY_SECTIONS,
  type ReportedState,
  ZCertIssued,
  ZCsrRequest,
  ZDesiredState,
  ZEnrollPoll,
  ZEnrollRequest,
  ZEnrollResponse,
  ZHeartbeat,
  ZOverlayStatus,
  ZPathEvents,
  ZPathReport,
  ZPresence,
  ZReportedState,
  ZTelemetry,
  ZUsageTelemetry,
} from "../../protocol";
import { compiledHash, siteCompiler } from "../../server/domains/fleet/compile/compile-device";
import { parseIntent } from "../../server/features";

const FIXTURES = path.resolve(import.meta.dirname, "../../protocol/fixtures");
const PREVIOUS = path.join(FIXTURES, "v1");
const read = (file: string) => JSON.parse(readFileSync(path.join(PREVIOUS, file), "utf8"));
const index = read("index.json") as Record<
  string,
  { direction: "up" | "down"; channel: string; schema: string }
>;
const message = (name: string) => read(`messages/${name}.json`);
/** The previous release's own schema of a message (JSON Schema written by that release). */
const previousSchema = (name: string) => z.fromJSONSchema(read(`schemas/${name}.json`));

/** Today's schema of each channel. */
const TODAY: Record<string, z.ZodType> = {
  desired: ZDesiredState,
  cert: ZCertIssued,
  state: ZReportedState,
  presence: ZPresence,
  heartbeat: ZHeartbeat,
  csr: ZCsrRequest,
  "telemetry/agent": ZTelemetry,
  "telemetry/usage": ZUsageTelemetry,
  overlay: ZOverlayStatus,
  paths: ZPathReport,
  events: ZPathEvents,
  "http:enroll/up": ZEnrollRequest,
  "http:enroll/down": ZEnrollResponse,
  "http:enroll-poll/up": ZEnrollPoll,
};
const todaysSchema = (f: { channel: string; direction: string }) =>
  TODAY[f.channel] ?? TODAY[`${f.channel}/${f.direction}`];

describe("fixtures of the previous release", () => {
  it("cover every message of the channel and of enrollment", () => {
    expect(Object.keys(index).length).toBeGreaterThanOrEqual(18);
    expect(readdirSync(path.join(PREVIOUS, "messages"))).toHaveLength(Object.keys(index).length);
    for (const [name, f] of Object.entries(index))
      expect(todaysSchema(f), `a schema for ${name}`).toBeDefined();
  });

  it.each(Object.keys(index))("%s decodes with today's schema, as it was sent", (name) => {
    const f = index[name]!;
    const sent = message(name);
    const decoded = decode(todaysSchema(f)!, JSON.stringify(sent), { asSent: true });
    expect(decoded).toEqual(sent);
  });
});

describe("today's control plane and a first-release agent", () => {
  const { orgId, intent, peers } = read("intent.json");
  const compile = siteCompiler(parseIntent(intent), { orgId, facts: { overlay: peers } });

  it.each([
    ["desired-overlay", "hq"],
    ["desired-plain", "plain"],
  ])("compiles %s from the stored intent to the very same config and hash", (name, siteId) => {
    const before = message(name) as DesiredState;
    const now = compile(siteId, undefined, LEGACY_SECTIONS)!;
    expect(compiledHash(now)).toBe(before.hash);
    expect(now).toEqual(before.config);
  });

  it("sends it only what its own (strict) schema accepts", () => {
    const strict = previousSchema("desired");
    for (const siteId of ["hq", "branch", "plain"]) {
      const config = compile(siteId, undefined, LEGACY_SECTIONS)!;
      const state = {
        v: 1,
        deviceId: "devfixture01",
        revision: 8,
        hash: configHash(config),
        issuedAt: new Date().toISOString(),
        config,
      };
      expect(strict.safeParse(state).success, siteId).toBe(true);
    }
  });

  it("leaves out a section it did not declare, and says so", () => {
    const declared = LEGACY_SECTIONS.filter((s) => s !== "overlay");
    expect(compile("hq", undefined, declared)!.overlay).toBeUndefined();
    expect(compile.missing("hq", undefined, declared)).toEqual(["overlay"]);
    expect(compile.missing("plain", undefined, declared)).toEqual([]);
  });

  it("reads every uplink message the previous agent sent, with fields it may add later", () => {
    for (const [name, f] of Object.entries(index)) {
      if (f.direction !== "up") continue;
      const unknown: string[][] = [];
      const later = { ...message(name), addedLater: { any: "thing" } };
      decode(todaysSchema(f)!, JSON.stringify(later), { onUnknown: (u) => unknown.push(u) });
      expect(unknown, name).toEqual([["addedLater"]]);
    }
  });
});

describe("today's agent and the previous control plane", () => {
  it.each(["desired-overlay", "desired-plain"])("applies %s", async (name) => {
    const sent = message(name) as DesiredState;
    const r = checkDesired(Buffer.from(JSON.stringify(sent)), sent.deviceId);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const reports: ReportedState[] = [];
    const applier = new Applier({
      deviceId: sent.deviceId,
      subsystems: [dataplaneSubsystem(new SimulatedDriver())],
      store: new MemoryStore(),
      log: silentLogger,
      onReport: (s) => reports.push(s),
    });
    applier.offer(r.desired);
    await applier.idle();
    // This agent has no overlay subsystem: the overlay is named as ignored, not refused.
    expect(reports.at(-1)).toMatchObject({
      status: "applied",
      revision: sent.revision,
      hash: sent.hash,
    });
    expect(reports.at(-1)?.error ?? null).toBe(
      sent.config.overlay ? "ignored what this agent does not apply: overlay" : null,
    );
  });
});

// The alerting chain on real parts: path events in PostgreSQL → the evaluator opens one
// correlated incident naming the WAN link → BullMQ workers send it to a signed webhook,
// Slack, Teams and PagerDuty receivers on loopback and to the mail outbox → the paths come
// back → resolved, and every channel hears it. Another org sees and reaches none of it.
import "./alert-env";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dueOrgs } from "../../server/domains/alerting";
import { registry } from "../../server/features";
import { getDb } from "../../server/platform/db/client";
import { setChangeListeners } from "../../server/platform/events/changes";
import { SWEEPS_QUEUE } from "../../server/platform/jobs/define-job";
import { closeQueues } from "../../server/platform/jobs/queues";
import { asOrg, codeOf } from "../../testkit/factories/overlay";
import { until } from "../../testkit/wait";
import { type Received, startReceiver, verifies } from "../../testkit/webhook-receiver";
import { runWorkers } from "../../workers/run-workers";
import { evaluate, incidentsOf, report, twoSiteOrg } from "./fixtures";

let stopWorkers: () => Promise<void>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];
const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
};

beforeAll(() => {
  // The tests evaluate themselves and count what each evaluation opened: a sweep's run
  // (a scheduler another test file left in this run's Redis prefix) would take that over,
  // and so would the evaluation a change kicks (alerting's onChange: an org's set-up, an
  // incident's notification). The workers still send the notifications.
  stopWorkers = runWorkers(getDb(), () => {}, { except: [SWEEPS_QUEUE] });
  setChangeListeners(() => []);
});
afterAll(async () => {
  setChangeListeners(() => registry().changeListeners);
  for (const r of receivers) await r.close();
  await stopWorkers();
  await closeQueues();
});

const json = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;
const ROUTING_KEY = "R0UT1NGKEY0123456789abcdef";

describe("a WAN link cut", () => {
  it("opens one incident naming the link, notifies every kind of channel, and resolves when the paths come back", async () => {
    const o = await twoSiteOrg();
    const [hook, slack, teams, pd] = [
      await receiver(),
      await receiver(),
      await receiver(),
      await receiver(),
    ];
    const ch = (kind: string, extra: object) =>
      o.api.alerts.createChannel({
        orgSlug: o.slug,
        name: `${kind} channel`,
        kind: kind as never,
        ...extra,
      });
    const webhook = await ch("webhook", { url: hook.url });
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.target).toBe(`127.0.0.1:${hook.port}`);
    await ch("slack", { url: slack.url });
    await ch("teams", { url: teams.url });
    await ch("pagerduty", { url: pd.url, routingKey: ROUTING_KEY });
    await ch("email", { recipients: ["noc@example.com"] });
    // Listed without any secret.
    const listed = JSON.stringify(await o.api.alerts.channels({ orgSlug: o.slug }));
    expect(listed).not.toContain(webhook.secret as string);
    expect(listed).not.toContain(ROUTING_KEY);
    expect(listed).not.toContain("/hook");

    // The HQ fiber link goes black: both boxes see its two paths down.
    await report(o, "path_down", o.pathsOf(o.links.a0));
    await report(o, "failover", [o.pathsOf(o.links.a0)[0] as string], [o.boxA], {
      unit: "class:1",
      unitName: "voice",
    });
    expect(await evaluate(o)).toEqual({ opened: 1, resolved: 0, updated: 0 });
    const [incident] = await incidentsOf(o);
    expect(incident?.status).toBe("open");
    expect(incident?.key).toBe(`site:${o.hq}`);
    expect(incident?.title).toBe("HQ: WAN link fiber down");
    expect(incident?.rootCause).toBe(
      "WAN link fiber (fiber) at HQ is down: all 2 of its paths stopped answering probes; 1 traffic class moved to other paths",
    );
    expect(incident?.conditions).toHaveLength(4);
    // Evaluating again changes nothing (no duplicate incident, no second notification).
    expect(await evaluate(o)).toEqual({ opened: 0, resolved: 0, updated: 0 });

    for (const r of [hook, slack, teams, pd])
      await until("each channel notified", () => r.received.length >= 1);
    const opened = hook.received[0] as Received;
    expect(verifies(opened, webhook.secret as string)).toBe(true);
    expect(json(opened)).toMatchObject({
      type: "incident.opened",
      orgId: o.orgId,
      data: { number: 1, severity: "major", title: "HQ: WAN link fiber down", status: "open" },
    });
    expect(String((json(opened).data as { url: string }).url)).toMatch(
      new RegExp(`/o/${o.slug}/incidents/${incident?.id}$`),
    );
    expect(json(slack.received[0] as Received).text).toBe(
      `[Opened] #1 HQ: WAN link fiber down (major, ${o.org.name})`,
    );
    expect(json(teams.received[0] as Received)).toMatchObject({
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive" }],
    });
    expect(json(pd.received[0] as Received)).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: `patronus-${incident?.id}`,
      payload: { severity: "error", source: o.org.name },
    });
    const mail = await until("the email in the outbox", async () =>
      (
        await getDb().mailOutbox.findMany({ where: { to: "noc@example.com", kind: "incident" } })
      ).find((m) => m.subject.includes("HQ: WAN link fiber down")),
    );
    expect(mail.text).toContain("WAN link fiber (fiber) at HQ is down");

    // The link comes back.
    await report(o, "path_up", o.pathsOf(o.links.a0));
    expect(await evaluate(o)).toEqual({ opened: 0, resolved: 1, updated: 0 });
    for (const r of [hook, slack, teams, pd])
      await until("each channel told of the resolution", () => r.received.length >= 2);
    expect(json(hook.received[1] as Received)).toMatchObject({
      type: "incident.resolved",
      data: { status: "resolved" },
    });
    expect(json(pd.received[1] as Received)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: "resolve",
      dedup_key: `patronus-${incident?.id}`,
    });
    const detail = await o.api.incidents.get({
      orgSlug: o.slug,
      incidentId: incident?.id as string,
    });
    expect(detail.status).toBe("resolved");
    expect(detail.active).toBe(0);
    expect(detail.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["opened", "notified", "resolved"]),
    );
    await until("every notification sent", async () => {
      const d = await o.api.incidents.get({ orgSlug: o.slug, incidentId: incident?.id as string });
      return d.notifications.length === 10 && d.notifications.every((n) => n.status === "sent");
    });
  });

  it("lets conditions join, clear and fire again within one open incident", async () => {
    const o = await twoSiteOrg();
    const [p0, p1] = o.pathsOf(o.links.a0) as [string, string];
    await report(o, "path_down", [p0], [o.boxA]);
    expect((await evaluate(o)).opened).toBe(1);
    await report(o, "path_down", [p1], [o.boxA]);
    expect(await evaluate(o)).toEqual({ opened: 0, resolved: 0, updated: 1 });
    await report(o, "path_up", [p0], [o.boxA]);
    await evaluate(o);
    await report(o, "path_down", [p0], [o.boxA]);
    await evaluate(o);
    const [incident, ...others] = await incidentsOf(o);
    expect(others).toEqual([]);
    expect(incident?.status).toBe("open");
    expect(incident?.conditions.map((c) => [c.objectId, c.clearedAt])).toEqual(
      expect.arrayContaining([
        [p0, null],
        [p1, null],
      ]),
    );
    // The title follows the cause: one path down, then the whole link, and so on.
    const kinds = incident?.events.map((e) => e.kind) ?? [];
    expect(kinds.filter((k) => k !== "cause").sort()).toEqual(
      ["condition_cleared", "condition_fired", "condition_fired", "opened"].sort(),
    );
    expect(incident?.title).toBe("HQ: WAN link fiber down");
  });

  it("puts the paths another site sees down under the site whose box went offline", async () => {
    const o = await twoSiteOrg();
    await asOrg(o.orgId, (tx) =>
      tx.device.update({
        where: { id: o.boxB.id, orgId: o.orgId },
        data: { online: false, lastSeenAt: new Date(Date.now() - 600_000) },
      }),
    );
    await report(o, "path_down", o.paths, [o.boxA]);
    await evaluate(o);
    const incidents = await incidentsOf(o);
    expect(incidents.map((i) => [i.key, i.title])).toEqual([
      [`site:${o.branch}`, "Branch: edge-branch offline"],
    ]);
    expect(incidents[0]?.rootCause).toBe(
      "edge-branch at Branch is not connected to the control plane; the other sites see 4 paths to it down",
    );
  });
});

describe("people and incidents", () => {
  it("acknowledge once (notified), mute silences, and a maintenance window opens incidents suppressed", async () => {
    const o = await twoSiteOrg();
    const hook = await receiver();
    await o.api.alerts.createChannel({
      orgSlug: o.slug,
      name: "hook",
      kind: "webhook",
      url: hook.url,
    });
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    const [incident] = await incidentsOf(o);
    const id = incident?.id as string;
    await until("opened notification", () => hook.received.length === 1);
    const acked = await o.api.incidents.acknowledge({ orgSlug: o.slug, incidentId: id });
    expect(acked.status).toBe("acknowledged");
    expect(acked.acknowledgedBy).toBe(o.owner.email);
    await o.api.incidents.acknowledge({ orgSlug: o.slug, incidentId: id });
    await until("acknowledged notification", () => hook.received.length === 2);
    expect(json(hook.received[1] as Received).type).toBe("incident.acknowledged");

    await o.api.incidents.mute({ orgSlug: o.slug, incidentId: id, minutes: 60 });
    await report(o, "path_up", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    expect((await incidentsOf(o))[0]?.status).toBe("resolved");
    // Muted: the resolution notifies nobody.
    expect(await o.api.alerts.notifications({ orgSlug: o.slug })).toHaveLength(2);

    await o.api.alerts.createWindow({
      orgSlug: o.slug,
      name: "ISP works",
      siteIds: [o.hq],
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    const second = (await incidentsOf(o))[1];
    expect(second?.suppressed).toBe(true);
    expect(second?.events.find((e) => e.kind === "opened")?.message).toContain(
      "maintenance window",
    );
    expect(await o.api.alerts.notifications({ orgSlug: o.slug })).toHaveLength(2);
    expect(await codeOf(o.api.incidents.acknowledge({ orgSlug: o.slug, incidentId: id }))).toBe(
      "CONFLICT",
    );
  });

  it("evaluators running at once open one incident", async () => {
    const o = await twoSiteOrg();
    await report(o, "path_down", o.pathsOf(o.links.b1));
    const results = await Promise.all(Array.from({ length: 5 }, () => evaluate(o)));
    expect(results.reduce((n, r) => n + r.opened, 0)).toBe(1);
    expect(await incidentsOf(o)).toHaveLength(1);
  });
});

describe("notification failures stay with their channel", () => {
  it("retries a failing receiver, then gives up where the log shows it; a hanging one delays no other", async () => {
    const o = await twoSiteOrg();
    const failing = await receiver(500);
    const hanging = await receiver("hang");
    const fine = await receiver();
    for (const [name, r] of [
      ["failing", failing],
      ["hanging", hanging],
      ["fine", fine],
    ] as const)
      await o.api.alerts.createChannel({ orgSlug: o.slug, name, kind: "slack", url: r.url });
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    await until("the fine channel answered", () => fine.received.length === 1);
    expect(hanging.received.length).toBeLessThanOrEqual(1);
    const log = await until("the failing channel given up", async () => {
      const all = await o.api.alerts.notifications({ orgSlug: o.slug });
      const n = all.find((x) => x.channelName === "failing");
      return n?.status === "failed" ? n : undefined;
    });
    expect(log.attempts).toBe(8);
    expect(log.responseStatus).toBe(500);
    expect(failing.received).toHaveLength(8);
    const [incident] = await incidentsOf(o);
    expect(
      incident?.events.some((e) =>
        e.message.startsWith("Could not notify failing (slack) after 8 attempt(s)"),
      ),
    ).toBe(true);
  });
});

describe("tenancy", () => {
  it("another org cannot see, act on or aim at an org's incidents, channels, rules and sites", async () => {
    const a = await twoSiteOrg();
    const b = await twoSiteOrg();
    const hookB = await receiver();
    await b.api.alerts.createChannel({
      orgSlug: b.slug,
      name: "b hook",
      kind: "webhook",
      url: hookB.url,
    });
    const chA = await a.api.alerts.createChannel({
      orgSlug: a.slug,
      name: "a mail",
      kind: "email",
      recipients: ["a@example.com"],
    });
    await report(a, "path_down", [a.paths[0] as string], [a.boxA]);
    await evaluate(a);
    await evaluate(b);
    const [incident] = await incidentsOf(a);
    const id = incident?.id as string;
    expect((await b.api.incidents.list({ orgSlug: b.slug })).items).toEqual([]);
    expect(await codeOf(b.api.incidents.get({ orgSlug: b.slug, incidentId: id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(b.api.incidents.acknowledge({ orgSlug: b.slug, incidentId: id }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(b.api.incidents.mute({ orgSlug: b.slug, incidentId: id, minutes: 5 })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(b.api.incidents.get({ orgSlug: a.slug, incidentId: id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(b.api.alerts.testChannel({ orgSlug: b.slug, channelId: chA.id }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await codeOf(
        b.api.alerts.updateChannel({ orgSlug: b.slug, channelId: chA.id, enabled: false }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(b.api.alerts.notifications({ orgSlug: b.slug, channelId: chA.id }))).toBe(
      "NOT_FOUND",
    );
    const ruleA = (await a.api.alerts.rules({ orgSlug: a.slug })).items[0];
    expect(
      await codeOf(
        b.api.alerts.updateRule({ orgSlug: b.slug, ruleId: ruleA?.id as string, enabled: false }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        b.api.alerts.createRule({
          orgSlug: b.slug,
          kind: "path_down",
          name: "theirs",
          severity: "major",
          forSeconds: 0,
          siteIds: [a.hq],
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        b.api.alerts.createWindow({
          orgSlug: b.slug,
          name: "theirs",
          siteIds: [a.hq],
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      ),
    ).toBe("NOT_FOUND");
    // B's channel heard nothing of A's incident.
    await until("A's incident notified its own channel", async () =>
      (await a.api.alerts.notifications({ orgSlug: a.slug })).some((n) => n.status === "sent"),
    );
    expect(hookB.received).toEqual([]);
  });
});

describe("bad input", () => {
  it("gets a clear 400, never a 500", async () => {
    const o = await twoSiteOrg();
    const fail = async (call: Promise<unknown>) =>
      call.then(
        () => "OK",
        (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
      );
    const rule = (params: unknown) =>
      o.api.alerts.createRule({
        orgSlug: o.slug,
        kind: "failover_storm",
        name: `storm ${Math.random()}`,
        severity: "minor",
        forSeconds: 0,
        params: params as never,
      });
    expect(await fail(rule({ changes: 1, windowSeconds: 600 }))).toMatch(
      /^BAD_REQUEST: params: changes: /,
    );
    expect(await fail(rule({ changes: 5, windowSeconds: 600, extra: 1 }))).toMatch(
      /^BAD_REQUEST: params: /,
    );
    expect(
      await fail(o.api.alerts.createChannel({ orgSlug: o.slug, name: "s", kind: "slack" })),
    ).toBe("BAD_REQUEST: A slack channel needs url");
    expect(
      await fail(
        o.api.alerts.createChannel({
          orgSlug: o.slug,
          name: "p",
          kind: "pagerduty",
          routingKey: "short",
        }),
      ),
    ).toMatch(/^BAD_REQUEST/);
    expect(
      await fail(
        o.api.alerts.createChannel({
          orgSlug: o.slug,
          name: "e",
          kind: "email",
          recipients: ["not-an-address"],
        }),
      ),
    ).toMatch(/^BAD_REQUEST/);
    const window = (startsAt: string, endsAt: string) =>
      o.api.alerts.createWindow({ orgSlug: o.slug, name: "w", startsAt, endsAt });
    const now = Date.now();
    expect(
      await fail(window(new Date(now + 60_000).toISOString(), new Date(now).toISOString())),
    ).toMatch(/must end after it starts/);
    expect(await fail(window("0000-01-01T00:00:00Z", new Date(now).toISOString()))).toMatch(
      /^BAD_REQUEST/,
    );
    expect(
      await fail(
        window(new Date(now).toISOString(), new Date(now + 40 * 86_400_000).toISOString()),
      ),
    ).toMatch(/at most 31 days/);
    expect(
      await fail(o.api.incidents.mute({ orgSlug: o.slug, incidentId: "x", minutes: 0 })),
    ).toMatch(/^BAD_REQUEST/);
    // A duplicate name is a conflict, not a 500.
    await o.api.alerts.createChannel({
      orgSlug: o.slug,
      name: "dup",
      kind: "email",
      recipients: ["a@example.com"],
    });
    expect(
      await fail(
        o.api.alerts.createChannel({
          orgSlug: o.slug,
          name: "dup",
          kind: "email",
          recipients: ["a@example.com"],
        }),
      ),
    ).toMatch(/^CONFLICT/);
  });
});

describe("the evaluation sweep", () => {
  it("evaluates an org when it is new, when a pending condition is due, and else not until its full turn", async () => {
    const o = await twoSiteOrg();
    const isDue = async () => (await dueOrgs(getDb())).some((d) => d.id === o.orgId);
    await evaluate(o);
    expect(await isDue()).toBe(false);
    // A path down that the default rule (60 s) has not fired yet: due when it would fire.
    const rules = await o.api.alerts.rules({ orgSlug: o.slug });
    const pathRule = rules.items.find((r) => r.kind === "path_down");
    await o.api.alerts.updateRule({
      orgSlug: o.slug,
      ruleId: pathRule?.id as string,
      forSeconds: 3600,
    });
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    expect(await incidentsOf(o)).toEqual([]);
    const settings = await asOrg(o.orgId, (tx) =>
      tx.alertSettings.findUniqueOrThrow({ where: { orgId: o.orgId } }),
    );
    const [event] = await asOrg(o.orgId, (tx) =>
      tx.pathEvent.findMany({ where: { orgId: o.orgId, kind: "path_down" } }),
    );
    expect(settings.nextDueAt?.getTime()).toBe((event?.at.getTime() ?? 0) + 3_600_000);
    expect(await isDue()).toBe(false);
    await asOrg(o.orgId, (tx) =>
      tx.alertSettings.update({
        where: { orgId: o.orgId },
        data: { nextDueAt: new Date(Date.now() - 1000) },
      }),
    );
    expect(await isDue()).toBe(true);
    // Its full turn: not evaluated for ALERT_FULL_EVERY_MS.
    await evaluate(o);
    await asOrg(o.orgId, (tx) =>
      tx.alertSettings.update({
        where: { orgId: o.orgId },
        data: { evaluatedAt: new Date(Date.now() - 86_400_000) },
      }),
    );
    expect(await isDue()).toBe(true);
  });
});

describe("SLA state", () => {
  it("holds while the class stays on the violating path, and clears when it moves to another", async () => {
    const o = await twoSiteOrg();
    const voice = { unit: "class:1", unitName: "voice" };
    await report(o, "sla_violation", [o.paths[0] as string], [o.boxA], voice);
    await evaluate(o);
    const [open] = await incidentsOf(o);
    expect(open?.title).toBe("HQ: voice out of SLA");
    await report(o, "failover", [o.paths[1] as string], [o.boxA], voice);
    expect((await evaluate(o)).resolved).toBe(1);
  });
});

describe("rule changes", () => {
  it("re-evaluate the org: turning a rule off resolves what it opened", async () => {
    const o = await twoSiteOrg();
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    await evaluate(o);
    expect((await incidentsOf(o))[0]?.status).toBe("open");
    const rules = await o.api.alerts.rules({ orgSlug: o.slug });
    const pathRule = rules.items.find((r) => r.kind === "path_down");
    await o.api.alerts.updateRule({
      orgSlug: o.slug,
      ruleId: pathRule?.id as string,
      enabled: false,
    });
    await until(
      "the incident resolved by the workers",
      async () => (await incidentsOf(o))[0]?.status === "resolved",
    );
  });
});

describe("incident numbers", () => {
  it("skip numbers an org's incidents already use (rows written before its counter), never failing the evaluation", async () => {
    const o = await twoSiteOrg();
    await evaluate(o);
    await asOrg(o.orgId, (tx) =>
      tx.incident.create({
        data: {
          orgId: o.orgId,
          number: 1,
          key: "imported",
          status: "resolved",
          severity: "minor",
          title: "old",
          rootCause: "old",
        },
      }),
    );
    await report(o, "path_down", [o.paths[0] as string], [o.boxA]);
    expect((await evaluate(o)).opened).toBe(1);
    expect((await incidentsOf(o)).map((i) => i.number)).toEqual([1, 2]);
  });
});

// The request path's Redis uses on a three-node Redis Cluster: the API's per-key and per-org
// rate limits and Idempotency-Key over real HTTP, the users' rate budget, the mail throttle
// (three counters of one mail at once), and the sign-in limits through the auth routes.
import "../../../testkit/stripe-env";
import { Cluster } from "ioredis";
import { describe, expect, it } from "vitest";
import { authHandlers } from "../../../server/api/handlers";
import { getDb } from "../../../server/platform/db/client";
import { env } from "../../../server/platform/env";
import { CLIENT_IP_HEADER } from "../../../server/platform/http/client-ip";
import { hitRateLimit } from "../../../server/platform/http/rate-limit";
import { spendBudget } from "../../../server/platform/http/user-budget";
import { MAIL_LIMITS, mailWait } from "../../../server/platform/mail/throttle";
import { getRedis, redisKey } from "../../../server/platform/redis";
import { apiOrg, setApiRate, useApiServer } from "../../../testkit/api-server";
import { uid } from "../../../testkit/factories/identity";
import { useRedisCluster } from "../../../testkit/stack/use-redis-cluster";

// First: the API server's connections must go to the cluster.
useRedisCluster();
const server = useApiServer();

const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

describe("request limits on Redis Cluster", () => {
  it("connects through the cluster client", () => {
    expect(getRedis()).toBeInstanceOf(Cluster);
  });

  it("counts a fixed window and tells when it opens again", async () => {
    const key = redisKey("cluster-test", uid());
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(getRedis(), key, 3, 60));
    expect(results.map((r) => [r.allowed, r.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(await getRedis().ttl(key)).toBeGreaterThan(0);
  });

  it("spends a user's rate budget and refuses past it", async () => {
    const caller = `user:${uid()}`;
    for (let i = 0; i < 3; i++) await spendBudget(caller, 3);
    await expect(spendBudget(caller, 3)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("throttles mails per address and client, per address and per client", async () => {
    const ip = randomIp();
    const to = `someone-${uid()}@example.test`;
    const waits: number[] = [];
    for (let i = 0; i <= MAIL_LIMITS.perAddressAndClient; i++)
      waits.push(await mailWait("reset", to, ip));
    expect(waits.slice(0, -1)).toEqual(Array(MAIL_LIMITS.perAddressAndClient).fill(0));
    expect(waits.at(-1)).toBeGreaterThan(0);
    // Another client may still mail that address: the pair's limit was the one reached.
    expect(await mailWait("reset", to, randomIp())).toBe(0);
  });

  it("counts API calls per key and per org over HTTP, refusing past the key's rate", async () => {
    const a = await apiOrg();
    await setApiRate(a.org.id, { perKey: 3, perOrg: 100 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await server.call(a.token, "GET", `/orgs/${a.slug}/sites`);
      statuses.push(res.status);
      if (i === 0) expect(res.headers.get("ratelimit")).toMatch(/^"key";r=2;t=\d+$/);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(await getRedis().get(redisKey("api-rate", "org", a.org.id))).toBe("4");
  });

  it("replays an Idempotency-Key's first answer and refuses it for another body", async () => {
    const a = await apiOrg();
    const key = { "idempotency-key": `cluster-${a.slug}` };
    const first = await server.call(
      a.token,
      "POST",
      `/orgs/${a.slug}/sites`,
      { name: "once" },
      key,
    );
    expect(first.status).toBe(201);
    const replay = await server.call(
      a.token,
      "POST",
      `/orgs/${a.slug}/sites`,
      { name: "once" },
      key,
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(await first.text());
    const other = await server.call(a.token, "POST", `/orgs/${a.slug}/sites`, { name: "x" }, key);
    expect(other.status).toBe(409);
  });

  it("limits sign-in attempts per account and client; the owner elsewhere still gets in", async () => {
    const { POST } = authHandlers();
    const post = (path: string, body: unknown, ip: string) =>
      POST(
        new Request(`${env.APP_URL}/api/auth${path}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            origin: env.APP_URL,
            [CLIENT_IP_HEADER]: ip,
          },
          body: JSON.stringify(body),
        }),
      );
    const email = `owner-${uid()}@example.test`;
    const password = "correct horse battery";
    expect(
      (await post("/sign-up/email", { name: "Owner", email, password }, randomIp())).status,
    ).toBe(200);
    await getDb().user.update({ where: { email }, data: { emailVerified: true } });
    const attacker = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i <= env.SIGNIN_MAX_ATTEMPTS; i++)
      statuses.push((await post("/sign-in/email", { email, password: "wrong" }, attacker)).status);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The owner, elsewhere, still gets in.
    expect((await post("/sign-in/email", { email, password }, randomIp())).status).toBe(200);
  });
});

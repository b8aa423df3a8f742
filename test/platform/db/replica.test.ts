// The replica's settings, its lag arithmetic and which failures hand a read to the primary
// (the rest is in replica.int.test.ts, against a real standby).
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { lagOf, replicaUnavailable } from "../../../server/platform/db/replica";
import { parseEnv } from "../../../server/platform/env";
import { AppError } from "../../../server/platform/errors";

describe("replica settings", () => {
  it("are off by default, with a 2 s lag bound", () => {
    const env = parseEnv({});
    expect(env.DATABASE_REPLICA_URL).toBe("");
    expect(env.DATABASE_REPLICA_MAX_LAG_MS).toBe(2_000);
  });

  it("take a postgresql URL and a lag in whole milliseconds", () => {
    const env = parseEnv({
      DATABASE_REPLICA_URL: "postgresql://patronus_app@replica:5432/patronus",
      DATABASE_REPLICA_MAX_LAG_MS: "500",
    });
    expect(env.DATABASE_REPLICA_MAX_LAG_MS).toBe(500);
    expect(() => parseEnv({ DATABASE_REPLICA_URL: "http://replica" })).toThrow(
      /DATABASE_REPLICA_URL must be a postgresql:\/\/ URL/,
    );
    for (const bad of ["-1", "1.5", "soon", "600001"])
      expect(() => parseEnv({ DATABASE_REPLICA_MAX_LAG_MS: bad }), bad).toThrow(
        /DATABASE_REPLICA_MAX_LAG_MS/,
      );
  });
});

describe("replica lag", () => {
  const row = { standby: true, streaming: true, replayed: true, age_ms: 90_000 };

  it("is none when all that arrived is replayed, whatever the last transaction's age", () => {
    expect(lagOf(row)).toBe(0);
  });

  it("is the last replayed transaction's age while replay is behind or not streaming", () => {
    expect(lagOf({ ...row, replayed: false })).toBe(90_000);
    expect(lagOf({ ...row, streaming: false })).toBe(90_000);
    expect(lagOf({ ...row, replayed: false, age_ms: null })).toBe(Number.POSITIVE_INFINITY);
  });

  it("is none on a server that is not a standby", () => {
    expect(lagOf({ standby: false, streaming: false, replayed: null, age_ms: null })).toBe(0);
  });
});

describe("a failed replica read goes to the primary", () => {
  const prisma = (code: string, pgCode?: string) =>
    Object.assign(new Error(`prisma ${code}`), {
      code,
      meta: pgCode ? { driverAdapterError: { cause: { code: pgCode } } } : {},
    });
  const wrapped = (cause: unknown) => new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });

  it("when the replica could not answer", () => {
    for (const error of [
      prisma("P1001"),
      prisma("P1017"),
      prisma("P2024"),
      prisma("P2010", "57P01"),
      prisma("P2010", "08006"),
      prisma("P2034", "40001"),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5433"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
      new Error("Client has encountered a connection error and is not queryable"),
    ]) {
      expect(replicaUnavailable(error), error.message).toBe(true);
      expect(replicaUnavailable(wrapped(error)), error.message).toBe(true);
    }
  });

  it("not for the read's own errors, which the primary would give alike", () => {
    for (const error of [
      prisma("P2010", "25006"),
      prisma("P2025"),
      prisma("P2002"),
      new AppError("NOT_FOUND", "Site not found"),
      new TRPCError({ code: "FORBIDDEN", message: "Your role cannot do site.read" }),
      new Error("boom"),
    ]) {
      expect(replicaUnavailable(error), error.message).toBe(false);
      expect(replicaUnavailable(wrapped(error)), error.message).toBe(false);
    }
  });
});

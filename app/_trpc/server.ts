import "server-only";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { PATH_HEADER } from "@/app/_lib/requested-path";
import { safeNext } from "@/app/_lib/safe-next";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";
import { chargePageRender } from "@/server/api/trpc";

/**
 * Server components call routers directly through this caller (no HTTP hop). The page
 * request costs its user one call of the budget, once per render, whatever it reads.
 */
export const getCaller = cache(async () => {
  const ctx = await createContext(await headers());
  await chargePageRender(ctx);
  return createCaller({ ...ctx, pageRender: true });
});

/**
 * The sign-in page, asked to come back to the page requested (proxy.ts names it; safeNext
 * drops anything that is not a path of this site).
 */
async function signInUrl() {
  const next = safeNext((await headers()).get(PATH_HEADER), "");
  return next && next !== "/" ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}

/** The signed-in user, or a redirect to sign-in that returns here. */
export const requireUser = cache(async () => {
  const ctx = await createContext(await headers());
  if (!ctx.user) redirect(await signInUrl());
  return ctx.user;
});

/**
 * Runs a server-side call; NOT_FOUND (including another tenant's object) renders the
 * 404 page, like the API answers. So does BAD_REQUEST: a URL segment that cannot be a
 * valid slug or id names no page.
 */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TRPCError && ["NOT_FOUND", "BAD_REQUEST"].includes(error.code)) notFound();
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") redirect(await signInUrl());
    throw error;
  }
}

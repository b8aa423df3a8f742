import "server-only";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { createContext } from "@/server/api/context";
import { createCaller } from "@/server/api/root";

/** Server components call routers directly through this caller (no HTTP hop). */
export const getCaller = cache(async () => createCaller(await createContext(await headers())));

/** The signed-in user, or a redirect to sign-in. */
export const requireUser = cache(async () => {
  const ctx = await createContext(await headers());
  if (!ctx.user) redirect("/sign-in");
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
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") redirect("/sign-in");
    throw error;
  }
}

import { cache } from "react";
import { getCaller, orNotFound } from "@/app/_trpc/server";
import type { Permission } from "@/server/permissions";

/** The org of the current page and the caller's role in it; NOT_FOUND → 404 page. */
export const getOrg = cache(async (slug: string) =>
  orNotFound((await getCaller()).org.get({ orgSlug: slug })),
);

export const hasPermission = (org: { permissions: string[] }, permission: Permission) =>
  org.permissions.includes(permission);

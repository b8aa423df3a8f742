import { cache } from "react";
import { getCaller, orNotFound } from "@/app/_trpc/server";

/** Another org's site, or none: the 404 page, as the API answers. */
export const getSite = cache(async (orgSlug: string, siteId: string) =>
  orNotFound((await getCaller()).site.get({ orgSlug, siteId })),
);

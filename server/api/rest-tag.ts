import { rest } from "./trpc";

/**
 * `rest` with the document's tag of its resource, for routers whose procedures are several
 * resources (the overlay's SLA classes, user groups, ...): without it every operation of a
 * router is tagged after the router's key.
 */
export function restTag(tag: string) {
  return (route: Parameters<typeof rest>[0], status?: number) => ({
    ...rest(route, status),
    tags: [tag],
  });
}

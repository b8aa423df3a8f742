// Values the browser bundle shares with the server (no secrets, no I/O).
export { ROLES } from "../platform/tenancy/permissions";

/**
 * The most calls one tRPC batch may carry. The portal's client splits larger batches, so
 * only a hand-made request is refused (400). A page's queries are far fewer.
 */
export const TRPC_MAX_BATCH = 10;

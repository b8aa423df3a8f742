import type { AppRouter } from "../../server/api/root";
import { uid } from "../factories";

/**
 * One entry per tRPC procedure: a sample input for a call made in org `orgSlug`.
 * The matrix test fails when a procedure has no entry here (or an entry has no procedure),
 * so a new procedure cannot ship without being checked for isolation and permissions.
 * Inputs may point at objects that do not exist: the check is about who gets past the
 * ladder, so NOT_FOUND/BAD_REQUEST after authorization still counts as "allowed".
 */
type Paths<R> = {
  [K in keyof R & string]: R[K] extends { _def: { procedures: unknown } }
    ? never
    : R[K] extends { _def: { type: unknown } }
      ? K
      : R[K] extends object
        ? `${K}.${Paths<R[K]>}`
        : never;
}[keyof R & string];

type ProcedurePath = Paths<AppRouter["_def"]["record"]>;

export const MATRIX: Record<ProcedurePath, (orgSlug: string) => unknown> = {
  "me.get": () => undefined,
  "org.list": () => undefined,
  "org.create": () => ({ name: "Matrix Org", slug: `mx-${uid()}` }),
  "org.get": (orgSlug) => ({ orgSlug }),
  "org.update": (orgSlug) => ({ orgSlug, name: "Renamed by matrix" }),
  "org.customers": (orgSlug) => ({ orgSlug }),
  "org.createCustomer": (orgSlug) => ({ orgSlug, name: "Matrix Customer", slug: `mxc-${uid()}` }),
  "member.list": (orgSlug) => ({ orgSlug }),
  "member.changeRole": (orgSlug) => ({ orgSlug, membershipId: "missing", role: "viewer" }),
  "member.remove": (orgSlug) => ({ orgSlug, membershipId: "missing" }),
  "invitation.list": (orgSlug) => ({ orgSlug }),
  "invitation.create": (orgSlug) => ({
    orgSlug,
    email: `mx-${uid()}@example.test`,
    role: "viewer",
  }),
  "invitation.revoke": (orgSlug) => ({ orgSlug, invitationId: "missing" }),
  "invitation.byToken": () => ({ token: "x".repeat(43) }),
  "invitation.accept": () => ({ token: "x".repeat(43) }),
  "audit.list": (orgSlug) => ({ orgSlug }),
};

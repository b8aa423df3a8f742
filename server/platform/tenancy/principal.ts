// Who is acting: a signed-in user, an API key, a device, or a system job. Every interface
// (tRPC, REST routes, the broker, workers) puts one in its context; procedures check
// scopes (server/permissions.ts: scopesOf), never the kind; the audit log records it.

export type Principal =
  | { kind: "user"; id: string; email: string }
  /** An org's API key: acts in that org only, with the scopes it was given. */
  | { kind: "apiKey"; id: string; orgId: string; scopes: readonly string[] }
  /** An enrolled device, over its mutual-TLS channel: its own org, no portal scopes. */
  | { kind: "device"; id: string; orgId: string }
  /** A job or sweep of the control plane itself, named by what it is ("rollout.progress"). */
  | { kind: "system"; id: string };

/** The user principal of a signed-in session user (other fields of the user are kept). */
export function userPrincipal<U extends { id: string; email: string }>(user: U) {
  return { ...user, kind: "user" as const };
}

export const systemPrincipal = (job: string): Principal => ({ kind: "system", id: job });

/** "user:<id>", "apiKey:<id>", "device:<id>", "system:<job>": for log lines. */
export const principalLabel = (p: Principal) => `${p.kind}:${p.id}`;

/** The org a principal is bound to, if it is bound to one (keys and devices are). */
export function boundOrgOf(principal: Principal): string | undefined {
  return principal.kind === "apiKey" || principal.kind === "device" ? principal.orgId : undefined;
}

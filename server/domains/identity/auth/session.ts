import { hostOrgOf } from "../../custom-domains";
import { auth } from "./auth";

/**
 * The signed-in user for a request, or null. A session belongs to the host it was made on
 * (docs/custom-domains.md): one made on a custom domain is accepted only there, one made
 * on the main app only off custom domains, whatever cookie a client sends.
 */
export async function getSessionUser(headers: Headers) {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const host = await hostOrgOf(headers);
  if ((session.session.host ?? null) !== (host?.hostname ?? null)) return null;
  const { id, email, name, emailVerified } = session.user;
  return { id, email, name, emailVerified };
}

export type SessionUser = NonNullable<Awaited<ReturnType<typeof getSessionUser>>>;

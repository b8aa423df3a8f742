import { auth } from "./auth";

/** The signed-in user for a request, or null. */
export async function getSessionUser(headers: Headers) {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const { id, email, name, emailVerified } = session.user;
  return { id, email, name, emailVerified };
}

export type SessionUser = NonNullable<Awaited<ReturnType<typeof getSessionUser>>>;

import { randomBytes, randomUUID } from "node:crypto";
import { createCaller } from "../../server/api/root";
import type { SessionUser } from "../../server/domains/identity/auth/session";
import { createOrg } from "../../server/domains/identity/services/org/create-org";
import { getDb, type Role } from "../../server/platform/db/client";
import { userPrincipal } from "../../server/platform/tenancy/principal";

/** Factories: every test makes its own users and orgs, so tests never share state. */
export const uid = () => randomBytes(4).toString("hex");

/** A user, as a session user and as the user principal services take as actor. */
export async function createUser(name = "Test User") {
  const id = randomUUID();
  const email = `user-${uid()}@example.test`;
  await getDb().user.create({ data: { id, email, name, emailVerified: true } });
  return userPrincipal({ id, email, name, emailVerified: true });
}

/** A router caller with a real context (real database), signed in as `user`. */
export function callerFor(user: SessionUser | null) {
  return createCaller({ db: getDb(), user, headers: new Headers() });
}

export async function createOrgWithOwner(kind: "standard" | "msp" = "standard") {
  const owner = await createUser("Owner");
  const slug = `org-${uid()}`;
  const org = await createOrg(getDb(), owner, { name: `Org ${slug}`, slug, kind });
  return { owner, org, slug };
}

/** The invitation token from the newest invitation email sent to `email`. */
export async function inviteTokenFor(email: string) {
  const mail = await getDb().mailOutbox.findFirstOrThrow({
    where: { to: email, kind: "invitation" },
    orderBy: { createdAt: "desc" },
  });
  return /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

/** A new user who joined `orgSlug` with `role` the way production does: invite, accept. */
export async function addMember(orgSlug: string, inviter: SessionUser, role: Role) {
  const user = await createUser(`A ${role}`);
  await callerFor(inviter).invitation.create({ orgSlug, email: user.email, role });
  await callerFor(user).invitation.accept({ token: await inviteTokenFor(user.email) });
  return user;
}

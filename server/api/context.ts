import { hostOrgOf } from "../domains/custom-domains";
import { getSessionUser } from "../domains/identity/auth/session";
import { getDb } from "../platform/db/client";
import { getReplica } from "../platform/db/replica";
import type { Context } from "./trpc";

export async function createContext(headers: Headers): Promise<Context> {
  const [user, host] = await Promise.all([getSessionUser(headers), hostOrgOf(headers)]);
  return { db: getDb(), replica: getReplica(), user, headers, host };
}

import { getSessionUser } from "../domains/identity/auth/session";
import { getDb } from "../platform/db/client";
import type { Context } from "./trpc";

export async function createContext(headers: Headers): Promise<Context> {
  return { db: getDb(), user: await getSessionUser(headers), headers };
}

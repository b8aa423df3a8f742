import { getSessionUser } from "../auth/session";
import { getDb } from "../db/client";
import type { Context } from "./trpc";

export async function createContext(headers: Headers): Promise<Context> {
  return { db: getDb(), user: await getSessionUser(headers), headers };
}

import { authHandlers } from "../../server/api/handlers";
import { getDb } from "../../server/platform/db/client";
import { env } from "../../server/platform/env";
import { uid } from "./identity";

/**
 * A verified user signed in through the auth routes the portal mounts: its id, email and
 * the session cookie to send with HTTP-level calls (tRPC handler, route handlers).
 */
export async function signedInUser(password = "correct horse battery") {
  const { POST } = authHandlers();
  const email = `http-${uid()}@example.test`;
  const post = (path: string, body: unknown) =>
    POST(
      new Request(`${env.APP_URL}/api/auth${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: env.APP_URL },
        body: JSON.stringify(body),
      }),
    );
  const signUp = await post("/sign-up/email", { name: "HTTP user", email, password });
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${signUp.status}`);
  const user = await getDb().user.update({ where: { email }, data: { emailVerified: true } });
  const signIn = await post("/sign-in/email", { email, password });
  const set = signIn.headers.getSetCookie().find((c) => c.includes("session_token="));
  if (!set) throw new Error(`sign-in set no session cookie (status ${signIn.status})`);
  return { id: user.id, email, cookie: set.split(";")[0] as string };
}

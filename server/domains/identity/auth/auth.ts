import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import type { z } from "zod";
import { getDb } from "../../../platform/db/client";
import { env } from "../../../platform/env";
import { clientIp } from "../../../platform/http/client-ip";
import { hitRateLimit } from "../../../platform/http/rate-limit";
import { isHttps } from "../../../platform/http/security-headers";
import { mailWait, mayMail } from "../../../platform/mail/throttle";
import { getRedis, redisKey } from "../../../platform/redis";
import { brandedMail } from "../../branding";
import { hostOrgOf } from "../../custom-domains";
import {
  fieldErrors,
  uncleanFields,
  ZEmailInput,
  ZSignInInput,
  ZSignUpInput,
  ZUpdateUserInput,
} from "./validation";

function invalid(fields: Record<string, string>) {
  return new APIError("BAD_REQUEST", {
    message: "Invalid input",
    code: "VALIDATION_ERROR",
    fields,
  });
}

/** Rejects a request body that does not match `schema`, with field messages. */
function validateBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  return parsed.data;
}

/**
 * Sign-in attempts are limited per (account, client) pair and per client, never per
 * account alone: an attacker who fails from one address blocks only that address for
 * that account, and the owner signing in from anywhere else still gets in (the policy
 * and its comparison with Auth0 and Keycloak are in docs/security.md). Counted in Redis,
 * so every replica shares them; a successful sign-in clears its pair.
 */
export const SIGNIN_PER_CLIENT_FACTOR = 5;

function signInPairKey(email: string, ip: string) {
  return redisKey("signin", "pair", ip, email.toLowerCase());
}

async function limitSignIn(email: string, ip: string) {
  const redis = getRedis();
  const max = env.SIGNIN_MAX_ATTEMPTS;
  const window = env.SIGNIN_WINDOW_SECONDS;
  const [byPair, byClient] = await Promise.all([
    hitRateLimit(redis, signInPairKey(email, ip), max, window),
    hitRateLimit(redis, redisKey("signin", "ip", ip), max * SIGNIN_PER_CLIENT_FACTOR, window),
  ]);
  const blocked = [byPair, byClient].find((r) => !r.allowed);
  if (blocked) {
    throw new APIError("TOO_MANY_REQUESTS", {
      message: `Too many sign-in attempts. Try again in ${blocked.retryAfterSeconds} s.`,
    });
  }
}

/**
 * Auth routes that hash a password (sign-up, a reset, a change): at most this many per
 * client per window, so nobody can keep the portal's CPU busy hashing (docs/security.md).
 */
export const COSTLY_LIMIT = { perClient: 20, windowSeconds: 15 * 60 };
const COSTLY_PATHS = new Set(["/sign-up/email", "/reset-password", "/change-password"]);

async function limitCostly(ip: string) {
  // Without a stamped address (tests calling the handler directly) there is no client.
  if (ip === "unknown") return;
  const { perClient, windowSeconds } = COSTLY_LIMIT;
  const r = await hitRateLimit(getRedis(), redisKey("auth-costly", ip), perClient, windowSeconds);
  if (!r.allowed)
    throw new APIError("TOO_MANY_REQUESTS", {
      message: `Too many requests from your address. Try again in ${r.retryAfterSeconds} s.`,
    });
}

/**
 * The brand and the origin of a user-level mail (verification, reset): those of the verified
 * custom domain the request came in on, else the main app's. The link better-auth built on
 * APP_URL moves to that host, so the user comes back where they signed up.
 */
async function mailOnHost(request: Request | undefined, url: string) {
  const host = request ? await hostOrgOf(request.headers) : null;
  if (!host) return { orgId: null, url };
  const link = new URL(url);
  const app = new URL(env.APP_URL);
  return link.origin === app.origin
    ? { orgId: host.orgId, url: `${host.origin}${link.pathname}${link.search}` }
    : { orgId: host.orgId, url };
}

/** The verification page's "Resend email" (better-auth's route). */
const RESEND_PATH = "/send-verification-email";

/**
 * Resends share the verification mails' throttle, counted for every address whether or
 * not it has an unverified account, so a refusal says nothing about the account; the
 * user is told how long to wait instead of a silent success.
 */
async function limitResend(email: string, ip: string) {
  const wait = await mailWait("verify", email, ip);
  if (wait > 0)
    throw new APIError("TOO_MANY_REQUESTS", {
      message: `Too many verification emails to this address. Try again in ${Math.ceil(wait / 60)} min.`,
    });
}

export const auth = betterAuth({
  appName: "Patronus",
  baseURL: env.APP_URL,
  secret: env.AUTH_SECRET,
  // Secure (and __Secure-prefixed) cookies whenever the portal is served over https, however
  // NODE_ENV is set; the app sets no cookie of its own besides these.
  advanced: { useSecureCookies: isHttps(env.APP_URL) },
  database: prismaAdapter(getDb(), { provider: "postgresql" }),
  emailAndPassword: {
    enabled: true,
    requireEmailVerification: true,
    minPasswordLength: 8,
    maxPasswordLength: 128,
    resetPasswordTokenExpiresIn: 60 * 60,
    // A reset after a compromise must also end the attacker's sessions.
    revokeSessionsOnPasswordReset: true,
    sendResetPassword: async ({ user, url }, request) => {
      if (await mayMail("reset", user.email, clientIp(request?.headers)))
        await brandedMail(getDb(), {
          ...(await mailOnHost(request, url).then(({ orgId, url }) => ({ orgId, vars: { url } }))),
          kind: "reset-password",
          to: user.email,
        });
    },
  },
  emailVerification: {
    sendOnSignUp: true,
    sendOnSignIn: true,
    autoSignInAfterVerification: true,
    expiresIn: 24 * 60 * 60,
    sendVerificationEmail: async ({ user, url }, request) => {
      // A resend was counted by the hook below, before better-auth looked the user up.
      const counted = request && new URL(request.url).pathname.endsWith(RESEND_PATH);
      if (counted || (await mayMail("verify", user.email, clientIp(request?.headers))))
        await brandedMail(getDb(), {
          ...(await mailOnHost(request, url).then(({ orgId, url }) => ({ orgId, vars: { url } }))),
          kind: "verify-email",
          to: user.email,
        });
    },
  },
  // A verified custom domain's origin may call the auth routes (better-auth refuses any
  // other origin than APP_URL's); an unverified host stays refused (docs/custom-domains.md).
  trustedOrigins: async (request) => {
    const host = request ? await hostOrgOf(request.headers) : null;
    return host ? [host.origin] : [];
  },
  // Cookies stay host-only (no Domain attribute, better-auth's default): a session made on
  // one host is never sent to another. The session also records its host, checked on use.
  session: {
    additionalFields: { host: { type: "string", required: false, input: false } },
  },
  databaseHooks: {
    session: {
      create: {
        before: async (session, ctx) => {
          const host = ctx?.headers ? await hostOrgOf(ctx.headers) : null;
          return { data: { ...session, host: host?.hostname ?? null } };
        },
      },
    },
  },
  // better-auth's own per-IP limiter keeps its state in memory; ours (above) is in Redis.
  rateLimit: { enabled: false },
  // A password oracle the portal never uses: with a stolen cookie it would allow guessing.
  disabledPaths: ["/verify-password"],
  hooks: {
    before: createAuthMiddleware(async (ctx) => {
      // Any route: every string in the body is clean text, or 400 naming the field.
      const unclean = uncleanFields(ctx.body);
      if (Object.keys(unclean).length) throw invalid(unclean);
      // Each of these hashes a password (scrypt): a few per client per window.
      if (COSTLY_PATHS.has(ctx.path)) await limitCostly(clientIp(ctx.headers));
      // A password change ends every other session; the one that changed it stays signed in.
      if (ctx.path === "/change-password" && ctx.body && typeof ctx.body === "object")
        return { context: { ...ctx, body: { ...ctx.body, revokeOtherSessions: true } } };
      if (ctx.path === "/sign-up/email") validateBody(ZSignUpInput, ctx.body);
      if (ctx.path === "/update-user") validateBody(ZUpdateUserInput, ctx.body);
      if (ctx.path === RESEND_PATH) {
        const body = validateBody(ZEmailInput, ctx.body);
        await limitResend(body.email, clientIp(ctx.headers));
      }
      if (ctx.path === "/sign-in/email") {
        const body = validateBody(ZSignInInput, ctx.body);
        await limitSignIn(body.email, clientIp(ctx.headers));
      }
    }),
    after: createAuthMiddleware(async (ctx) => {
      if (ctx.path !== "/sign-in/email" || !ctx.context.newSession) return;
      const email = ctx.context.newSession.user.email;
      await getRedis().del(signInPairKey(email, clientIp(ctx.headers)));
    }),
  },
  logger: { level: env.NODE_ENV === "test" ? "error" : "warn" },
  plugins: [nextCookies()],
});

export type Session = typeof auth.$Infer.Session;

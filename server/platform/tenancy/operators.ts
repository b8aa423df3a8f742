import { env } from "../env";

/**
 * Whether a signed-in user is one of the platform's operators (PLATFORM_OPERATORS, by
 * verified email). Operators run the service itself; no org role makes anyone one.
 */
export function isPlatformOperator(user: { email: string; emailVerified: boolean } | null) {
  return !!user?.emailVerified && env.PLATFORM_OPERATORS.includes(user.email.toLowerCase());
}

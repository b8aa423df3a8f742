/**
 * The client's address as the nearest trusted proxy reports it. Next's server sets
 * x-forwarded-for itself; behind a load balancer, configure it to overwrite the header.
 */
export function clientIp(headers: Headers | undefined): string {
  const forwarded = headers?.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers?.get("x-real-ip") || "unknown";
}

import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { env } from "../../platform/env";

const MAX_NAME = 253;
const MAX_LABEL = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * A hostname an org may claim, in the form it is stored and matched in (lower-case ASCII,
 * internationalised names as punycode, no trailing dot), or why it cannot be one.
 */
export function normaliseHostname(
  text: string,
): { hostname: string; problem?: undefined } | { problem: string } {
  const raw = text.trim().toLowerCase().replace(/\.$/, "");
  if (!raw) return { problem: "Enter a hostname, like portal.example.com" };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(raw) || raw.includes("/"))
    return { problem: "Enter only the hostname, without https:// or a path" };
  if (isIP(raw.replace(/^\[|\]$/g, ""))) return { problem: "An IP address cannot be a domain" };
  if (raw.includes(":")) return { problem: "Leave the port out: a domain is served on 80/443" };
  // Punycode for internationalised names; "" when a label is not valid punycode or IDNA.
  const hostname = domainToASCII(raw);
  if (!hostname) return { problem: "This is not a valid domain name" };
  if (hostname.length > MAX_NAME) return { problem: `At most ${MAX_NAME} characters` };
  const labels = hostname.split(".");
  if (labels.length < 2) return { problem: "Use a full domain name, like portal.example.com" };
  for (const label of labels) {
    if (label.length > MAX_LABEL)
      return { problem: `Each part between dots has at most ${MAX_LABEL} characters` };
    if (!LABEL.test(label))
      return {
        problem:
          "Use letters, digits and hyphens between dots (no hyphen at a part's start or end)",
      };
  }
  if (/^\d+$/.test(labels.at(-1) as string)) return { problem: "This is not a valid domain name" };
  if (hostname === "localhost" || hostname.endsWith(".localhost"))
    return { problem: "localhost cannot be a custom domain" };
  if (hostname === new URL(env.APP_URL).hostname)
    return { problem: "This is the portal's own address" };
  return { hostname };
}

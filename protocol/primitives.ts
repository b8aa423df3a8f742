// Field shapes every fleet message is built from: addresses, prefixes, ports, interface
// names, dates. Messages are z.object, not strict: a field this side does not know is
// ignored, never refused (the protocol policy in docs/architecture.md). No wire schema
// transforms or defaults a value, so what a message says is what was sent.
import { z } from "zod";
import { zText } from "./text";

export const ZCidr4 = zText()
  .max(18)
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, "expected an IPv4 prefix such as 10.0.0.0/24")
  .refine((s) => {
    const [addr, len] = s.split("/") as [string, string];
    return Number(len) <= 32 && addr.split(".").every((o) => Number(o) <= 255);
  }, "not a valid IPv4 prefix");
export const ZIpv4 = zText()
  .max(15)
  .regex(/^(\d{1,3}\.){3}\d{1,3}$/, "expected an IPv4 address")
  .refine((s) => s.split(".").every((o) => Number(o) <= 255), "not a valid IPv4 address");
export const ZPort = z.number().int().min(1).max(65535);
export const ZIfname = zText()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}$/, "not an interface name")
  // Names that mean something else to sysctl and ip ("all" and "default" are the
  // conf/all and conf/default settings).
  .refine((s) => !["all", "default", "lo"].includes(s), "not a usable interface name");
export const ZIsoDate = zText().datetime({ offset: true }).max(40);

/**
 * A message's version. It rises only for a change an older receiver would misread; new
 * optional fields and sections do not raise it (receivers ignore what they do not know).
 */
export const ZV = z.number().int().min(1).max(1000);

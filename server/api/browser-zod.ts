import { z } from "zod";

// Imported first by shared.ts, before any schema is built. In the browser zod must not
// probe for eval (`Function("")`, to compile fast parsers): the CSP forbids eval and
// reports the probe as a violation. The compiled parsers only pay off on servers.
if (typeof window !== "undefined") z.config({ jitless: true });

// A site's own fields, kept apart from ./schemas.ts (which reaches the protocol's node-only
// address checks) so the portal's form can check them in the browser too (server/api/shared.ts).
import { z } from "zod";
import { zText } from "../../../protocol/text";

export const ZSiteName = zText().trim().min(1, "Give the site a name").max(60);

/** What the new-site form checks before sending; the settings are checked by the server. */
export const ZNewSiteBasics = z.strictObject({
  name: ZSiteName,
  description: zText().max(500).default(""),
});

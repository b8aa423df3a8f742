// GET /install.sh: the agent installer, with this portal's URL filled in. The one-line
// command a site's page shows pipes it to sh with the enrollment token.
import { installScript } from "@/server/api/handlers";

export const dynamic = "force-dynamic";
export const GET = installScript;

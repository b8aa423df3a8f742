// GET /api/fleet/agent.mjs: the agent as one file for Node 20 (built by
// `npm run build:agent`), downloaded by install.sh.
import { agentBundle } from "@/server/api/handlers";

export const dynamic = "force-dynamic";
export const GET = agentBundle;

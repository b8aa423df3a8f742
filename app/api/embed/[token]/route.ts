import { embedDataRoute } from "@/server/api/embed";

export const GET = embedDataRoute;

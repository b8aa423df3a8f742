import { faviconRoute } from "@/server/api/handlers";

// Browsers' default icon request: the host's brand favicon, else Patronus' (favicon-route.ts).
export const GET = faviconRoute;

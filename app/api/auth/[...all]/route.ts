import { authHandlers } from "@/server/api/handlers";

export const { GET, POST } = authHandlers();

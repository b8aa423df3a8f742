import { trpcHandler } from "@/server/api/handlers";

export { trpcHandler as GET, trpcHandler as POST };

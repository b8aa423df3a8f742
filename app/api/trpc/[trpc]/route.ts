import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createContext } from "@/server/api/context";
import { withRequestLog } from "@/server/api/handlers";
import { appRouter } from "@/server/api/root";

function handler(req: Request) {
  return withRequestLog(req, () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: () => createContext(req.headers),
    }),
  );
}

export { handler as GET, handler as POST };

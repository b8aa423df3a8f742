import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** The input of each procedure, for `useList<ListInput<…>>` (types only: no server code). */
export type RouterInputs = inferRouterInputs<AppRouter>;

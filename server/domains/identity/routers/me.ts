import { z } from "zod";
import { protectedProcedure, router } from "../../../api/trpc";

export const meRouter = router({
  get: protectedProcedure
    .input(z.strictObject({}).optional())
    .output(z.object({ id: z.string(), email: z.string(), name: z.string() }))
    .query(({ ctx }) => ({ id: ctx.user.id, email: ctx.user.email, name: ctx.user.name })),
});

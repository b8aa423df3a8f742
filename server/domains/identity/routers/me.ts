import { z } from "zod";
import { zText } from "../../../../protocol/text";
import { protectedProcedure, router } from "../../../api/trpc";

export const meRouter = router({
  get: protectedProcedure
    .input(z.strictObject({}).optional())
    .output(z.object({ id: zText(), email: zText(), name: zText() }))
    .query(({ ctx }) => ({ id: ctx.user.id, email: ctx.user.email, name: ctx.user.name })),
});

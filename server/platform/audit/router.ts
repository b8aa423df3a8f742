import { z } from "zod";
import { zText } from "../../../protocol/text";
import { orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, router } from "../../api/trpc";
import { listAudit } from "./list-audit";

const ZJson = z.unknown();

export const auditRouter = router({
  list: permissionProcedure("audit.read")
    .input(orgInput({ limit: z.number().int().min(1).max(100).default(50), cursor: ZId.nullish() }))
    .output(
      z.object({
        items: z.array(
          z.object({
            id: zText(),
            /** user | apiKey | device | system; null on entries from before principals. */
            actorKind: zText().nullable(),
            actorId: zText().nullable(),
            actorEmail: zText().nullable(),
            action: zText(),
            targetType: zText(),
            targetId: zText().nullable(),
            before: ZJson,
            after: ZJson,
            createdAt: z.date(),
          }),
        ),
        nextCursor: zText().nullable(),
      }),
    )
    .query(({ ctx, input }) => listAudit(ctx.tx, { ...input, orgId: ctx.tenant.orgId })),
});

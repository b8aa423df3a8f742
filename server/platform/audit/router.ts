import { z } from "zod";
import { zText } from "../../../protocol/text";
import { newestFirst, orgInput, ZId } from "../../api/inputs";
import { permissionProcedure, rest, router } from "../../api/trpc";
import { page, pageInput } from "../pagination";
import { listAudit } from "./list-audit";

const ZJson = z.unknown();
const ZTime = z.iso.datetime({ offset: true });

const ZAuditEntry = z.object({
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
});

export const auditRouter = router({
  /** The org's audit log, newest first by default, filtered by action, actor, target and time. */
  list: permissionProcedure("audit.read", rest("GET /orgs/{orgSlug}/audit-log"))
    .input(
      orgInput({
        ...pageInput(["createdAt"]),
        ...newestFirst,
        action: zText().max(64).optional(),
        actorKind: z.enum(["user", "apiKey", "device", "system"]).optional(),
        /** Who: entries whose actor's email contains this (any case), or whose actor id it is. */
        actor: zText().max(254).optional(),
        targetType: zText().max(64).optional(),
        targetId: ZId.optional(),
        since: ZTime.optional(),
        until: ZTime.optional(),
      }),
    )
    .output(page(ZAuditEntry))
    .query(({ ctx, input }) => listAudit(ctx.tx, ctx.tenant.orgId, input)),
});

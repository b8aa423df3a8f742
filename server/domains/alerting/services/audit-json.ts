import type { Prisma } from "../../../platform/db/client";

/** A view (dates included) as an audit entry's before/after: the log stores its JSON. */
export const auditJson = (v: unknown) => v as Prisma.InputJsonValue;

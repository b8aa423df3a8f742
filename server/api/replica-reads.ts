// Which database answers a replica-safe procedure (replicaProcedure in trpc.ts): the
// replica when one is configured, healthy, close enough behind, and the caller has not
// just written; the primary otherwise. Every choice is counted by reason.
import { noteWrite, wroteRecently } from "../platform/db/read-your-writes";
import { countRead, type ReadReplica } from "../platform/db/replica";
import type { Context } from "./trpc";

/** Who a read-your-writes note is about: the user, or the API key (its own writes). */
function writerOf(ctx: Context): string | null {
  if (ctx.user) return `user:${ctx.user.id}`;
  if (ctx.apiKey) return `apiKey:${ctx.apiKey.id}`;
  return null;
}

/** The replica that is to answer this call, or null for the primary. */
export async function replicaFor(ctx: Context): Promise<ReadReplica | null> {
  const replica = ctx.replica;
  if (!replica) return null;
  const route = replica.route();
  if (route !== "replica") {
    countRead("primary", route);
    return null;
  }
  const writer = writerOf(ctx);
  if (writer && (await wroteRecently(writer))) {
    countRead("primary", "recent-write");
    return null;
  }
  countRead("replica", "replica");
  return replica;
}

/** After a committed change: the caller's next reads stay on the primary a while. */
export async function noteWriteOf(ctx: Context): Promise<void> {
  const writer = writerOf(ctx);
  if (ctx.replica && writer) await noteWrite(writer, ctx.replica.stickyMs);
}

/** A read the replica could not answer is answered by the primary (counted). */
export function failedOver(replica: ReadReplica, error: unknown): boolean {
  if (!replica.failedOver(error)) return false;
  countRead("primary", "failed-over");
  return true;
}

// Change signals: every event emitted (emit-event.ts) and a few changes that are no webhook
// event ("paths": any new path event) say "this org just changed" in the transaction that
// changed it, and every area that registered `onChange` in its feature hears of it once
// after the commit (alerting re-evaluates that org at once instead
// of at its next sweep). The listeners come from the registry (server/features.ts sets the
// source), so the area that signals knows nothing of who listens.
import type { Db, Tx } from "../db/client";
import { afterCommit } from "../db/with-tenant";
import { log } from "../log/logger";

import type { EventType } from "./catalog";

export type ChangeTopic = EventType | "paths";
export type ChangeListener = (orgId: string, topic: ChangeTopic) => Promise<unknown>;

let source: () => readonly ChangeListener[] = () => [];

/** Called once by server/features.ts: where the listeners are found. */
export function setChangeListeners(get: () => readonly ChangeListener[]) {
  source = get;
}

const signalled = new WeakMap<object, Set<string>>();

/** After `tx` commits, tells every listener that `orgId`'s `topic` changed (once per transaction). */
export async function signalChange(tx: Tx | Db, orgId: string, topic: ChangeTopic) {
  const seen = signalled.get(tx) ?? new Set<string>();
  signalled.set(tx, seen);
  if (seen.has(`${orgId}:${topic}`)) return;
  seen.add(`${orgId}:${topic}`);
  await afterCommit(tx, async () => {
    for (const listener of source())
      await listener(orgId, topic).catch((error: Error) =>
        log.warn("a change listener failed; its periodic sweep covers it", {
          topic,
          error: error.message,
        }),
      );
  });
}

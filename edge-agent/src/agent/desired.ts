// Pure checks of a desired-state message on receipt, before anything is queued:
// size, JSON, schema, addressee and content hash. Revision order is judged later, when
// the message is taken off the queue, against what is applied at that moment.
import {
  configHash,
  type DesiredState,
  decode,
  MAX_MESSAGE_BYTES,
  MessageError,
  ZDesiredState,
} from "../../../protocol";

export type Inbound =
  | { ok: true; desired: DesiredState }
  | { ok: false; error: string; attempted?: number };

/** The revision a refused message claims, when it can be read cheaply (for the report). */
function claimedRevision(payload: Buffer): number | undefined {
  if (payload.length > MAX_MESSAGE_BYTES) return undefined;
  try {
    const r = (JSON.parse(payload.toString()) as { revision?: unknown }).revision;
    return typeof r === "number" && Number.isInteger(r) && r >= 0 ? r : undefined;
  } catch {
    return undefined;
  }
}

export function checkDesired(payload: Buffer, deviceId: string): Inbound {
  let desired: DesiredState;
  try {
    // As sent: the hash is over the config exactly as the control plane sent it, sections
    // and fields this agent does not know included (they are ignored, and reported).
    desired = decode(ZDesiredState, payload, { asSent: true });
  } catch (e) {
    if (!(e instanceof MessageError)) throw e;
    return { ok: false, error: e.message, attempted: claimedRevision(payload) };
  }
  // Another device's snapshot is no attempt of this device's revision: naming its revision
  // would mark that revision failed here, and the control plane would never send this
  // device its own snapshot of it.
  if (desired.deviceId !== deviceId)
    return {
      ok: false,
      error: `desired state is addressed to device ${desired.deviceId.slice(0, 40)}, not ${deviceId}`,
    };
  const attempted = desired.revision;
  const hash = configHash(desired.config);
  if (hash !== desired.hash)
    return {
      ok: false,
      attempted,
      error: `hash ${desired.hash} does not match the config (computed ${hash})`,
    };
  return { ok: true, desired };
}

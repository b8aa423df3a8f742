// Path events waiting for the control plane: a bounded memory queue (the newest 1,000;
// nothing on disk), taken in batches and dropped only once the broker acknowledged them.
// Ids are unique per device across restarts (time, a per-process random part, counter),
// so a batch delivered twice is stored once.
import { randomBytes } from "node:crypto";
import type { DraftEvent } from "./select";
import type { PathEvent } from "./types";

export const MAX_QUEUED_EVENTS = 1000;
export const MAX_EVENTS_PER_MESSAGE = 200;

export class EventQueue {
  private items: PathEvent[] = [];
  private counter = 0;
  private readonly boot = randomBytes(4).toString("hex");
  dropped = 0;

  constructor(private readonly max = MAX_QUEUED_EVENTS) {}

  get size() {
    return this.items.length;
  }

  /** Stamps a draft with its id and time, and queues it (the oldest goes when full). */
  push(draft: DraftEvent, at = new Date()): PathEvent {
    const id = `${at.getTime().toString(36)}-${this.boot}-${(this.counter++).toString(36)}`;
    const e: PathEvent = { id, at: at.toISOString(), ...draft };
    this.items.push(e);
    if (this.items.length > this.max) {
      this.dropped += this.items.length - this.max;
      this.items.splice(0, this.items.length - this.max);
    }
    return e;
  }

  /** The oldest events, up to one message's worth; they stay queued until `ack`. */
  peek(n = MAX_EVENTS_PER_MESSAGE): PathEvent[] {
    return this.items.slice(0, n);
  }

  ack(events: readonly PathEvent[]) {
    const ids = new Set(events.map((e) => e.id));
    this.items = this.items.filter((e) => !ids.has(e.id));
  }
}

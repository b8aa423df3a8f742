import { type ScheduleDefinition, SWEEPS_QUEUE } from "./define-job";
import { getQueue } from "./queues";

/** Creates or updates each sweep's scheduler; idempotent, so every replica may call it. */
export async function upsertSchedules(schedules: readonly ScheduleDefinition[]) {
  const queue = getQueue(SWEEPS_QUEUE);
  for (const s of schedules) {
    await queue.upsertJobScheduler(
      s.name,
      { every: s.everyMs, immediately: true },
      { name: s.name, data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
    );
  }
}

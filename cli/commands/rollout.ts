// patronus rollout status [--watch]: the org's current (newest) rollout; --watch polls until
// it completes (exit 0) or halts (exit 1), following a newer rollout that supersedes it.
import { setTimeout as sleep } from "node:timers/promises";
import { type Command, ORG_OPTION } from "../command";
import { UsageError } from "../errors";

const DONE = { completed: 0, halted: 1 } as Record<string, number | undefined>;

interface Rollout {
  id: string;
  revision: number;
  status: string;
  succeeded: number;
  failed: number;
  failureThreshold: number;
  total: number;
  canary: number;
  haltReason: string | null;
  isRollback: boolean;
  startedAt: string;
  finishedAt: string | null;
}

export function describeRollout(r: Rollout) {
  const kind = r.isRollback ? "rollback" : "rollout";
  return [
    `${kind} ${r.id}: revision ${r.revision}, ${r.status}`,
    `  devices: ${r.succeeded}/${r.total} applied, ${r.failed} failed (halts at ${r.failureThreshold}), canary ${r.canary}`,
    `  started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ""}`,
    ...(r.haltReason ? [`  halted: ${r.haltReason}`] : []),
  ].join("\n");
}

export const rolloutStatus: Command = {
  words: ["rollout", "status"],
  summary: "Show the current rollout; --watch until it completes or halts",
  options: {
    ...ORG_OPTION,
    watch: {
      type: "boolean",
      short: "w",
      description: "Poll until it completes (exit 0) or halts (exit 1)",
    },
    interval: {
      type: "string",
      value: "SECONDS",
      description: "Seconds between polls with --watch (default 5)",
    },
    json: { type: "boolean", description: "Print the rollout as JSON" },
  },
  async run({ api, values, out }) {
    const interval = Number(values.interval ?? 5);
    if (!(interval > 0)) throw new UsageError("--interval: a number of seconds above 0");
    const { patronus, orgSlug } = await api();
    const current = async () => {
      const { data } = await patronus.GET("/orgs/{orgSlug}/rollouts", {
        params: { path: { orgSlug }, query: { limit: 1, sort: "revision", order: "desc" } },
      });
      return data.items[0];
    };
    let last = "";
    for (;;) {
      const rollout = await current();
      if (!rollout) {
        out("No rollout yet.");
        return 0;
      }
      const text = values.json ? JSON.stringify(rollout, null, 2) : describeRollout(rollout);
      if (text !== last) out(text);
      last = text;
      const done = DONE[rollout.status];
      if (!values.watch) return 0;
      if (done !== undefined) return done;
      await sleep(interval * 1000);
    }
  },
};

import { Badge, ProgressBar, type Tone } from "@/app/_components/status-ui";

const STATUS_TONE: Record<string, Tone> = {
  canary: "amber",
  rolling: "blue",
  completed: "green",
  halted: "red",
  superseded: "slate",
};

export function RolloutStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "slate"}>{status}</Badge>;
}

export function RollbackMarker() {
  return (
    <Badge tone="slate" title="This rollout restored an earlier revision">
      rollback
    </Badge>
  );
}

/** Its status, and whether it restored an earlier revision. */
export function RolloutBadges({ rollout }: { rollout: { status: string; isRollback: boolean } }) {
  return (
    <>
      <RolloutStatusBadge status={rollout.status} />
      {rollout.isRollback && <RollbackMarker />}
    </>
  );
}

export const NO_ROLLOUTS = "No rollouts yet: one starts when a change reaches a device.";

/** Canary and rolling rollouts are still moving; the others are done, one way or another. */
export const isRunning = (status: string) => status === "canary" || status === "rolling";

interface Progress {
  status: string;
  succeeded: number;
  failed: number;
  total: number;
}

/** How a rollout is going, as data-* attributes (what the journeys wait on). */
export const progressData = (r: Progress) => ({
  "data-status": r.status,
  "data-succeeded": r.succeeded,
  "data-failed": r.failed,
  "data-total": r.total,
});

/** Which rollout, and how it is going, as data-* attributes. */
export const rolloutData = (r: Progress & { id: string; revision: number }) => ({
  "data-rollout-id": r.id,
  "data-revision": r.revision,
  ...progressData(r),
});

/** The devices that applied the rollout in green, those that failed in red, of all of them. */
export function RolloutBar({ label, rollout }: { label: string; rollout: Progress }) {
  return (
    <ProgressBar
      label={label}
      value={rollout.succeeded}
      max={rollout.total}
      failed={rollout.failed}
    />
  );
}

import { Badge, type Tone } from "@/app/_components/status-ui";

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

/** Canary and rolling rollouts are still moving; the others are done, one way or another. */
export const isRunning = (status: string) => status === "canary" || status === "rolling";

import { ListCard } from "@/app/_components/list-card";
import { Badge, OnlineDot, Td, type Tone } from "@/app/_components/status-ui";

const STATE_TONE: Record<string, Tone> = {
  applied: "green",
  failed: "red",
  pending: "blue",
  waiting: "slate",
};

interface Device {
  id: string;
  hostname: string;
  siteName: string;
  online: boolean;
  isCanary: boolean;
  state: "applied" | "failed" | "pending" | "waiting";
  lastError: string | null;
}

/** Each device of a rollout: pending has it, waiting is not sent it yet (after the canary). */
export function RolloutDevices({ devices }: { devices: Device[] }) {
  return (
    <ListCard
      title="Devices"
      label="Devices of this rollout"
      columns={["Hostname", "Site", "Canary", "State", "Error"]}
      rows={devices}
      empty="No device is part of this rollout any more."
      rowData={(d) => ({
        "data-testid": "rollout-device-row",
        "data-device-id": d.id,
        "data-state": d.state,
        "data-canary": String(d.isCanary),
      })}
      cells={(d) => (
        <>
          <Td>
            <OnlineDot online={d.online}>
              <span className="font-medium">{d.hostname}</span>
              <span className="sr-only">{d.online ? " (online)" : " (offline)"}</span>
            </OnlineDot>
          </Td>
          <Td>{d.siteName}</Td>
          <Td>{d.isCanary ? <Badge tone="amber">canary</Badge> : "—"}</Td>
          <Td>
            <Badge tone={STATE_TONE[d.state]}>{d.state}</Badge>
          </Td>
          <Td
            className="max-w-64 truncate text-xs text-red-800"
            title={d.state === "failed" ? (d.lastError ?? "") : undefined}
          >
            {d.state === "failed" ? (d.lastError ?? "no error given") : ""}
          </Td>
        </>
      )}
    />
  );
}

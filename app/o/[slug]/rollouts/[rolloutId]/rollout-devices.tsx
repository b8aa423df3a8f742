import { Badge, OnlineDot, TableWrap, Td, Th, type Tone } from "@/app/_components/status-ui";
import { Card } from "@/app/_components/ui";

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
    <Card>
      <h2 className="mb-3 font-semibold">Devices</h2>
      {devices.length === 0 && (
        <p className="text-sm text-slate-600">No device is part of this rollout any more.</p>
      )}
      {devices.length > 0 && (
        <TableWrap label="Devices of this rollout">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <Th>Hostname</Th>
                <Th>Site</Th>
                <Th>Canary</Th>
                <Th>State</Th>
                <Th>Error</Th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr
                  key={d.id}
                  className="border-b border-slate-100"
                  data-testid="rollout-device-row"
                  data-device-id={d.id}
                  data-state={d.state}
                  data-canary={String(d.isCanary)}
                >
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
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}

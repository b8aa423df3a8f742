// What each channel carries, so that a publisher can only send the message of its channel:
// encodeMessage("state", report) type-checks, encodeMessage("state", presence) does not.
import type {
  CertIssued,
  DesiredState,
  Heartbeat,
  Presence,
  ReportedState,
  Telemetry,
} from "./messages";
import type { OverlayStatus, PathEvents, PathReport } from "./overlay";
import type { Channel } from "./topics";
import type { UsageTelemetry } from "./usage";

export interface ChannelMessages {
  desired: DesiredState;
  cert: CertIssued;
  state: ReportedState;
  presence: Presence;
  heartbeat: Heartbeat;
  csr: { v: number; csr: string };
  /** Each kind has its own shape; areas add kinds (their ingest channels say which). */
  telemetry: Telemetry | UsageTelemetry | { v: number; at: string };
  overlay: OverlayStatus;
  paths: PathReport;
  events: PathEvents;
}

/** The payload of one message on `channel`. */
export const encodeMessage = <C extends Channel>(_channel: C, message: ChannelMessages[C]) =>
  Buffer.from(JSON.stringify(message));

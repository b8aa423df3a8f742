// Clock skew between a box and the control plane: the bounds of a reported offset, the
// threshold past which it is an error, and the one wording the agent's log and the portal
// share ("2 days 3 h behind"). A box's clock matters because certificates are judged by
// it: days behind, the broker's certificate looks not yet valid; days ahead, its own looks
// due for renewal the moment it is issued.
// No zod here: the portal's pages import this file.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Past this, the agent logs an error and the portal shows a warning. Certificates are
 * backdated 5 minutes, and MQTT keepalives and renewal margins are far coarser than a
 * minute, so below it nothing the platform does notices. */
export const CLOCK_SKEW_THRESHOLD_MS = 60_000;

/** ±10 years: anything beyond is not a clock but garbage (devices.clockOffsetMs is int8). */
export const MAX_CLOCK_OFFSET_MS = Math.round(10 * 365.25 * DAY);

export const isClockSkewed = (offsetMs: number) => Math.abs(offsetMs) > CLOCK_SKEW_THRESHOLD_MS;

/** "2 days 3 h", "5 h 12 min", "3 min 20 s": the largest unit and the next, rounded to
 * the next (so 2 days less a few milliseconds of latency still reads "2 days"). */
export function formatClockOffset(offsetMs: number): string {
  const ms = Math.abs(Math.round(offsetMs));
  const units: [number, string, string][] = [
    [DAY, " day", " days"],
    [HOUR, " h", " h"],
    [MINUTE, " min", " min"],
    [1000, " s", " s"],
  ];
  if (ms < 1000) return `${ms} ms`;
  const first = units.findIndex(([size]) => ms >= size);
  const [size, one, many] = units[first] as [number, string, string];
  const next = units[first + 1];
  const say = (n: number, a: string, b: string) => `${n}${n === 1 ? a : b}`;
  if (!next) return say(Math.round(ms / size), one, many);
  const inNext = Math.round(ms / next[0]);
  const ratio = size / next[0];
  const big = Math.floor(inNext / ratio);
  const small = inNext % ratio;
  return small > 0 ? `${say(big, one, many)} ${say(small, next[1], next[2])}` : say(big, one, many);
}

/** "2 days 3 h behind" (the box's clock is behind the control plane's) or "… ahead". */
export const describeClockOffset = (offsetMs: number) =>
  `${formatClockOffset(offsetMs)} ${offsetMs > 0 ? "behind" : "ahead"}`;

// Pure: the period a report covers. A calendar month in UTC ("2026-11"), or from/to for an
// on-demand report, at most MAX_DAYS long; checked here so every bad period is a 400 that
// says what is wrong.
import { AppError } from "../../../platform/errors";

export const MAX_DAYS = 93;
const DAY = 86_400_000;
export const MONTH = /^(\d{4})-(\d{2})$/;

export interface Period {
  from: Date;
  to: Date;
  /** YYYY-MM for a calendar month, null for from/to. */
  month: string | null;
}

const bad = (field: string, message: string) =>
  new AppError("BAD_REQUEST", message, { [field]: message });

/** The UTC month `month` ("YYYY-MM"). */
export function monthPeriod(month: string): Period {
  const m = MONTH.exec(month);
  const mm = Number(m?.[2]);
  if (!m || mm < 1 || mm > 12)
    throw bad("month", "month must be YYYY-MM with a month from 01 to 12");
  const y = Number(m[1]);
  if (y < 2000) throw bad("month", "month must be in 2000 or later");
  return { from: new Date(Date.UTC(y, mm - 1, 1)), to: new Date(Date.UTC(y, mm, 1)), month };
}

/** The UTC month before the one `now` is in, as YYYY-MM. */
export function previousMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** The period of a request: `month`, or `from` and `to`; never both, never neither. */
export function periodOf(q: { month?: string; from?: Date; to?: Date }, now: Date): Period {
  let p: Period;
  if (q.month !== undefined) {
    if (q.from || q.to) throw bad("month", "give either month or from/to, not both");
    p = monthPeriod(q.month);
  } else {
    if (!q.from || !q.to) throw bad("month", "give a month (YYYY-MM) or both from and to");
    if (q.to.getTime() <= q.from.getTime()) throw bad("to", "to must be after from");
    if (q.to.getTime() - q.from.getTime() > MAX_DAYS * DAY)
      throw bad("to", `a report covers at most ${MAX_DAYS} days`);
    p = { from: q.from, to: q.to, month: null };
  }
  if (p.from.getTime() >= now.getTime()) throw bad("from", "the period has not started yet");
  return p;
}

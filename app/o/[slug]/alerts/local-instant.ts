// A <input type="datetime-local"> value is a wall-clock time without a zone; the API takes
// an instant with its offset. The viewer's zone says which offset (daylight saving included).

const two = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");

/** "2026-12-01T10:00" (local) → "2026-12-01T10:00:00+01:00"; null when it is no time. */
export function localToIso(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2]}:${m[3]}:00`);
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return `${m[1]}T${m[2]}:${m[3]}:00${sign}${two(offset / 60)}:${two(offset % 60)}`;
}

/** A Date as a datetime-local value in the viewer's zone (a form's default). */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

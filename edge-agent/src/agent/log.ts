// Structured JSON-lines logging: one object per line with time, level, msg and fields.
// Secrets never reach the output: fields whose names look like key material or tokens
// are replaced, whatever a caller passes.
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string) => void;

const SECRET = /key|token|pem|csr|cert|secret|password/i;
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

function clean(fields: LogFields | undefined, out: LogFields) {
  if (!fields) return;
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (SECRET.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
}

class JsonLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly sink: LogSink,
    private readonly base: LogFields,
  ) {}

  private write(level: LogLevel, msg: string, fields?: LogFields) {
    if (RANK[level] < this.min) return;
    const line: LogFields = { time: new Date().toISOString(), level, msg };
    clean(this.base, line);
    clean(fields, line);
    this.sink(JSON.stringify(line));
  }

  debug(msg: string, fields?: LogFields) {
    this.write("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields) {
    this.write("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields) {
    this.write("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields) {
    this.write("error", msg, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.min, this.sink, { ...this.base, ...fields });
  }
}

/** Logs go to stderr by default, so command output on stdout stays readable. */
export function createLogger(
  level: LogLevel = "info",
  sink: LogSink = (l) => process.stderr.write(`${l}\n`),
  base: LogFields = {},
): Logger {
  return new JsonLogger(RANK[level], sink, base);
}

/** Discards everything (tests, large simulated fleets). */
export const silentLogger: Logger = createLogger("error", () => undefined);

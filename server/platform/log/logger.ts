// The one logger of the server processes (portal, workers, fleet broker, ingest): JSON lines,
// one per event, with the context of what is running (request id, org, job, principal) taken
// from the async scope, so a line says whose it is without every caller passing it on.
import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "../env";

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** What the current request or job is: added to every line logged inside it. */
export interface LogContext {
  requestId?: string;
  orgId?: string;
  jobId?: string;
  principal?: string;
  [field: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: object): void;
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
  /** A logger whose lines carry `fields` too (a component, a device). */
  child(fields: object): Logger;
}

const scope = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` added to every line logged within it (nested scopes add up). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...ctx }, fn);
}

/** Errors as text: message, and the stack for unexpected ones. */
function plain(fields: object | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v;
  return out;
}

let threshold: Level = env.LOG_LEVEL;

/** Lines below `level` are dropped (LOG_LEVEL sets it at start). */
export function setLogLevel(level: Level) {
  threshold = level;
}

function createLogger(base: object): Logger {
  const write = (level: Level, msg: string, fields?: object) => {
    if (ORDER[level] < ORDER[threshold]) return;
    const line = JSON.stringify({
      ts: new Date().toISOString(),
      level,
      msg,
      ...scope.getStore(),
      ...base,
      ...plain(fields),
    });
    (level === "warn" || level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/** The process's logger; `log.child({ component })` for a part of it. */
export const log: Logger = createLogger({});

// Console output for the start script: one voice for the script itself, a prefix per child
// process, and a plain error type for problems the user can fix (printed without a stack).
import { createInterface } from "node:readline";

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;

const COLORS = { cyan: 36, magenta: 35, yellow: 33, red: 31, green: 32, bold: 1, dim: 2 };

/** Wraps text in an ANSI colour when writing to a terminal. */
export function paint(color, text) {
  return useColor ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text;
}

let write = (line) => console.log(line);

/** Sends progress messages to stderr, keeping stdout for machine-readable output. */
export function progressToStderr() {
  write = (line) => console.error(line);
}

export function info(message) {
  write(`${paint("green", "[start]")} ${message}`);
}

export function warn(message) {
  console.warn(`${paint("yellow", "[start]")} ${message}`);
}

export function error(message) {
  console.error(`${paint("red", "[start]")} ${message}`);
}

/** An error whose message tells the user what to do; main() prints it without a stack. */
export class StartError extends Error {}

/**
 * Copies a child's output to ours line by line, each line prefixed with the child's label,
 * so interleaved output from the portal and the worker stays readable.
 */
export function pipeWithPrefix(stream, label, color, target) {
  const prefix = paint(color, `[${label}]`);
  // Children that already tag their own lines ("[worker] ...") should not get it twice.
  const own = `[${label}] `;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    target.write(`${prefix} ${line.startsWith(own) ? line.slice(own.length) : line}\n`);
  });
}

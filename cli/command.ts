// A command of the CLI: its words, options and what it runs. The registry (commands/index.ts)
// is the one list that help, parsing and shell completion are all made from.
import type { Readable, Writable } from "node:stream";
import type { Patronus } from "../sdk/typescript/src/index";
import type { Env } from "./config";

export interface Option {
  type: "string" | "boolean";
  short?: string;
  /** The value's placeholder in help (FILE, URL, ...). */
  value?: string;
  description: string;
  /** Fixed values, offered by shell completion. */
  choices?: string[];
  /** Complete with file names. */
  file?: boolean;
}

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  env: Env;
}

export type Values = Record<string, string | boolean | undefined>;

export interface Context {
  io: Io;
  values: Values;
  positionals: string[];
  /** The API client and the org to act on (UsageError when either is missing). */
  api(): Promise<{ patronus: Patronus; orgSlug: string }>;
  out(line?: string): void;
}

export interface Command {
  words: string[];
  summary: string;
  /** Positional arguments, for help and completion (`bash|zsh|fish`). */
  args?: { name: string; choices?: string[] };
  options: Record<string, Option>;
  /** Shown under the options in --help. */
  details?: string;
  run(ctx: Context): Promise<number | undefined>;
}

export const ORG_OPTION: Record<string, Option> = {
  org: { type: "string", value: "SLUG", description: "The org (default: PATRONUS_ORG or login's)" },
};

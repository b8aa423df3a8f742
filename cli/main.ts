// Runs one command line: finds the command, parses its options, runs it, and turns what it
// threw into a message on stderr and the exit code (0 done, 1 API failure, 2 usage).
import { parseArgs } from "node:util";
import { createPatronus, PatronusError } from "../sdk/typescript/src/index";
import type { Command, Context, Io, Values } from "./command";
import { COMMANDS } from "./commands";
import { settingsOf } from "./config";
import { Declined, EXIT, InputError, UsageError } from "./errors";
import { commandHelp, groupHelp } from "./help";

/** The command whose words start `argv` (the longest such), and the arguments after them. */
function find(argv: string[]): { command?: Command; rest: string[]; prefix: string[] } {
  let best: Command | undefined;
  for (const c of COMMANDS)
    if (c.words.every((w, i) => argv[i] === w) && c.words.length > (best?.words.length ?? 0))
      best = c;
  if (best) return { command: best, rest: argv.slice(best.words.length), prefix: best.words };
  const prefix: string[] = [];
  for (const word of argv) {
    if (!COMMANDS.some((c) => [...prefix, word].every((w, i) => c.words[i] === w))) break;
    prefix.push(word);
  }
  return { rest: argv.slice(prefix.length), prefix };
}

function parse(command: Command, rest: string[]) {
  try {
    return parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: !!command.args,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function contextOf(io: Io, values: Values, positionals: string[]): Context {
  return {
    io,
    values,
    positionals,
    out: (line = "") => io.stdout.write(`${line}\n`),
    async api() {
      const org = typeof values.org === "string" ? values.org : undefined;
      const s = await settingsOf(io.env, { org });
      if (!s.org)
        throw new UsageError("No org: pass --org SLUG, set PATRONUS_ORG, or log in with --org");
      return { patronus: createPatronus({ baseUrl: s.url, apiKey: s.apiKey }), orgSlug: s.org };
    },
  };
}

function report(io: Io, error: unknown, words: string[]): number {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  if (error instanceof UsageError) {
    say(`patronus: ${error.message}`);
    say(`Run \`patronus ${words.join(" ")}${words.length ? " " : ""}--help\` for usage.`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    say(`patronus: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof Declined) {
    say(error.message);
    return EXIT.failed;
  }
  if (error instanceof PatronusError) {
    const http = error.status ? `, HTTP ${error.status}` : "";
    say(`patronus: ${error.detail} [${error.code}${http}]`);
    for (const field of error.errors) say(`  ${field.path}: ${field.message}`);
    if (error.requestId) say(`request id: ${error.requestId}`);
    return EXIT.failed;
  }
  say(`patronus: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const { command, rest, prefix } = find(argv);
  try {
    if (!command) {
      const asked = rest.length === 0 || rest[0] === "--help" || rest[0] === "-h";
      if (asked && (prefix.length > 0 || rest.length > 0)) {
        io.stdout.write(groupHelp(COMMANDS, prefix));
        return EXIT.ok;
      }
      io.stderr.write(groupHelp(COMMANDS, prefix));
      if (rest[0]) throw new UsageError(`unknown command: ${[...prefix, rest[0]].join(" ")}`);
      return EXIT.usage;
    }
    const { values, positionals } = parse(command, rest);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return (await command.run(contextOf(io, values, positionals))) ?? EXIT.ok;
  } catch (error) {
    return report(io, error, prefix);
  }
}

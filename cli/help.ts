// --help text, made from the command registry.
import type { Command, Option } from "./command";

const flag = (name: string, o: Option) =>
  `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;

function optionLines(options: Record<string, Option>) {
  const rows = Object.entries({
    ...options,
    help: { type: "boolean", short: "h", description: "Show this help" } as Option,
  }).map(([name, o]) => [flag(name, o), o.description] as const);
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

export function commandHelp(c: Command) {
  const args = c.args ? ` <${c.args.name}>` : "";
  return [
    `Usage: patronus ${c.words.join(" ")}${args} [options]`,
    "",
    c.summary,
    "",
    "Options:",
    ...optionLines(c.options),
    ...(c.details ? ["", c.details] : []),
    "",
  ].join("\n");
}

/** Help for `patronus` or a group (`patronus sites`): the commands under `prefix`. */
export function groupHelp(commands: Command[], prefix: string[]) {
  const under = commands.filter((c) => prefix.every((w, i) => c.words[i] === w));
  const names = under.map((c) => c.words.join(" "));
  const width = Math.max(...names.map((n) => n.length));
  return [
    `Usage: patronus ${prefix.length ? `${prefix.join(" ")} ` : ""}<command> [options]`,
    "",
    "Commands:",
    ...under.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`),
    "",
    "Run `patronus <command> --help` for a command's options.",
    "Exit codes: 0 done, 1 the API refused or failed (or you declined), 2 usage or input error.",
    "",
  ].join("\n");
}

// Reading from the terminal (or a pipe): a yes/no question, or everything on stdin.
import { createInterface } from "node:readline/promises";
import type { Io } from "./command";

export async function readAll(stdin: Io["stdin"]) {
  let text = "";
  for await (const chunk of stdin) text += String(chunk);
  return text;
}

/** True for y or yes; anything else, or the end of input, is no. */
export async function confirm(io: Io, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  io.stderr.write(`${question} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  return /^y(es)?$/i.test(line.trim());
}

// patronus completion bash|zsh|fish: prints the shell's completion script.
import type { Command } from "../command";
import { completionScript, SHELLS, type Shell } from "../completion";
import { UsageError } from "../errors";

export function completion(all: () => Command[]): Command {
  return {
    words: ["completion"],
    summary: "Print a shell completion script (bash, zsh or fish)",
    args: { name: "shell", choices: [...SHELLS] },
    options: {},
    details:
      "bash: source <(patronus completion bash)\n" +
      "zsh:  source <(patronus completion zsh)\n" +
      "fish: patronus completion fish | source",
    async run({ positionals, io }) {
      const [shell, ...extra] = positionals;
      if (!shell || extra.length || !SHELLS.includes(shell as Shell))
        throw new UsageError(`completion needs one of: ${SHELLS.join(", ")}`);
      io.stdout.write(completionScript(shell as Shell, all()));
      return 0;
    },
  };
}

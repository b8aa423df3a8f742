// The completion scripts come from the command registry; the bash one is run in a real bash
// with the words a user typed, and offers what the registry says comes next.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../cli/commands";
import { completionScript, SHELLS } from "../../cli/completion";

/** What bash offers after `words` (the last one being typed). */
function bashOffers(words: string[]) {
  const script = `${completionScript("bash", COMMANDS)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_patronus; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", script], { encoding: "utf8" }).split("\n").filter(Boolean);
}

describe("shell completion", () => {
  it("bash offers the commands, their subcommands, options and choices", () => {
    expect(bashOffers(["patronus", ""])).toEqual(
      expect.arrayContaining(["login", "sites", "completion"]),
    );
    expect(bashOffers(["patronus", "si"])).toEqual(["sites"]);
    expect(bashOffers(["patronus", "sites", ""])).toEqual(["list"]);
    expect(bashOffers(["patronus", "sites", "list", "--"])).toEqual(["--org", "--json", "--help"]);
    expect(bashOffers(["patronus", "sites", "list", "--org", "acme", "--j"])).toEqual(["--json"]);
    expect(bashOffers(["patronus", "completion", "z"])).toEqual(["zsh"]);
  });

  it("every shell's script names every command and option", () => {
    for (const shell of SHELLS) {
      const script = completionScript(shell, COMMANDS);
      for (const c of COMMANDS) {
        for (const word of c.words) expect(script).toContain(word);
        for (const option of Object.keys(c.options)) expect(script).toContain(option);
      }
    }
    execFileSync("bash", ["-n", "-c", completionScript("bash", COMMANDS)]);
  });
});

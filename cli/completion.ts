// Shell completion scripts, made from the command registry: the words at each place of the
// command tree, each command's options, fixed choices and file names. Pure: the same
// registry gives the same script.
import type { Command } from "./command";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface Place {
  /** The command words typed so far, space-joined ("" at the top). */
  at: string;
  /** What may come next: sub-words, or the command's options and argument choices. */
  next: string[];
}

/** Every place in the tree and what may follow it. */
function places(commands: Command[]): Place[] {
  const found = new Map<string, Set<string>>();
  const add = (at: string, word: string) => found.set(at, (found.get(at) ?? new Set()).add(word));
  for (const c of commands) {
    for (const [i, word] of c.words.entries()) add(c.words.slice(0, i).join(" "), word);
    const at = c.words.join(" ");
    for (const name of [...Object.keys(c.options), "help"]) add(at, `--${name}`);
    for (const choice of c.args?.choices ?? []) add(at, choice);
  }
  return [...found].map(([at, next]) => ({ at, next: [...next] }));
}

const valued = (commands: Command[]) => [
  ...new Set(
    commands.flatMap((c) =>
      Object.entries(c.options).flatMap(([n, o]) =>
        o.type === "string" ? [`--${n}`, ...(o.short ? [`-${o.short}`] : [])] : [],
      ),
    ),
  ),
];
const fileFlags = (commands: Command[]) => [
  ...new Set(
    commands.flatMap((c) =>
      Object.entries(c.options).flatMap(([n, o]) =>
        o.file ? [`--${n}`, ...(o.short ? [`-${o.short}`] : [])] : [],
      ),
    ),
  ),
];

function bash(commands: Command[]) {
  const cases = places(commands).map((p) => `    "${p.at}") next="${p.next.join(" ")}" ;;`);
  return `# patronus bash completion: source <(patronus completion bash)
_patronus() {
  local cur prev next="" skip=0 i w
  local -a seen=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case " ${valued(commands).join(" ")} " in *" $w "*) skip=1; continue ;; esac
    [[ $w == -* ]] || seen+=("$w")
  done
  case " ${fileFlags(commands).join(" ")} " in *" $prev "*) [[ -n $prev ]] && COMPREPLY=($(compgen -f -- "$cur")) && return ;; esac
  ((skip)) && return
  case "\${seen[*]}" in
${cases.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$next" -- "$cur"))
}
complete -F _patronus patronus
`;
}

function zsh(commands: Command[]) {
  const cases = places(commands).map((p) => `    "${p.at}") next=(${p.next.join(" ")}) ;;`);
  return `#compdef patronus
# patronus zsh completion: source <(patronus completion zsh), or save as _patronus in $fpath
_patronus() {
  local -a seen next
  local i w skip=0
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if ((skip)); then skip=0; continue; fi
    if [[ " ${valued(commands).join(" ")} " == *" $w "* ]]; then skip=1; continue; fi
    [[ $w == -* ]] || seen+=($w)
  done
  if [[ " ${fileFlags(commands).join(" ")} " == *" \${words[CURRENT-1]} "* ]]; then _files; return; fi
  ((skip)) && return
  case "\${(j: :)seen}" in
${cases.join("\n")}
  esac
  compadd -- $next
}
compdef _patronus patronus
`;
}

function fish(commands: Command[]) {
  const lines = places(commands).flatMap((p) => {
    const words = p.next.filter((w) => !w.startsWith("-"));
    const flags = p.next.filter((w) => w.startsWith("--")).map((w) => w.slice(2));
    const at = p.at ? ` ${p.at}` : "";
    return [
      ...(words.length
        ? [`complete -c patronus -n '__patronus_at${at}' -a '${words.join(" ")}'`]
        : []),
      ...flags.map((f) => `complete -c patronus -n '__patronus_at${at}' -l ${f}`),
    ];
  });
  const files = fileFlags(commands)
    .filter((f) => f.startsWith("--"))
    .map((f) => `complete -c patronus -l ${f.slice(2)} -r -F`);
  return `# patronus fish completion: patronus completion fish | source
function __patronus_at
  set -l seen
  set -l skip 0
  for w in (commandline -opc)[2..-1]
    if test $skip = 1
      set skip 0
      continue
    end
    if contains -- $w ${valued(commands).join(" ")}
      set skip 1
      continue
    end
    string match -q -- '-*' $w; or set seen $seen $w
  end
  test (count $seen) -eq (count $argv); or return 1
  for i in (seq (count $argv))
    test "$seen[$i]" = "$argv[$i]"; or return 1
  end
end
complete -c patronus -f
${[...lines, ...files].join("\n")}
`;
}

export function completionScript(shell: Shell, commands: Command[]): string {
  return { bash, zsh, fish }[shell](commands);
}

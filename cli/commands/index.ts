// The CLI's commands: one line each. Help, parsing and completion read this list.
import type { Command } from "../command";
import { completion } from "./completion";
import { login } from "./login";
import { policyApply } from "./policy";
import { rolloutStatus } from "./rollout";
import { sitesList } from "./sites";

export const COMMANDS: Command[] = [
  login,
  sitesList,
  rolloutStatus,
  policyApply,
  completion(() => COMMANDS),
];

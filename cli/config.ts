// Where the CLI finds the API: flags, then PATRONUS_URL / PATRONUS_API_KEY / PATRONUS_ORG,
// then the file `patronus login` wrote ($PATRONUS_CONFIG or ~/.config/patronus/config.json),
// which holds an API key and so is written with mode 0600 in a 0700 folder.
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { UsageError } from "./errors";

export type Env = Record<string, string | undefined>;

const ZConfig = z.object({
  url: z.string().optional(),
  apiKey: z.string().optional(),
  org: z.string().optional(),
});
export type Config = z.infer<typeof ZConfig>;

export function configPath(env: Env) {
  if (env.PATRONUS_CONFIG) return env.PATRONUS_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), ".config");
  return path.join(base, "patronus", "config.json");
}

export async function readConfig(file: string): Promise<Config> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "{}";
    throw error;
  });
  const parsed = ZConfig.safeParse(JSON.parse(text));
  if (!parsed.success) throw new UsageError(`${file} is not a patronus config: run patronus login`);
  return parsed.data;
}

/** Written whole to a private temporary file, then renamed: never readable by others. */
export async function writeConfig(file: string, config: Config) {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

export interface Settings {
  url: string;
  apiKey: string;
  org: string | undefined;
}

/** The API to call: flags over the environment over the config file. */
export async function settingsOf(env: Env, flags: { org?: string }): Promise<Settings> {
  const file = await readConfig(configPath(env));
  const url = env.PATRONUS_URL || file.url;
  const apiKey = env.PATRONUS_API_KEY || file.apiKey;
  if (!url || !apiKey)
    throw new UsageError(
      "Not logged in: run `patronus login --url URL --api-key KEY`, or set PATRONUS_URL and PATRONUS_API_KEY",
    );
  return { url, apiKey, org: flags.org || env.PATRONUS_ORG || file.org };
}

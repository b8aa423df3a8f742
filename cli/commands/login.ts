// patronus login: checks the key against the API (when an org is given) and saves the config.
import { createPatronus, ForbiddenError } from "../../sdk/typescript/src/index";
import type { Command } from "../command";
import { configPath, writeConfig } from "../config";
import { UsageError } from "../errors";
import { readAll } from "../prompt";

export const login: Command = {
  words: ["login"],
  summary: "Save the API's URL, an API key and a default org",
  options: {
    url: { type: "string", value: "URL", description: "The portal's URL (https://…)" },
    "api-key": {
      type: "string",
      value: "KEY",
      description: "An org API key (pat_…); - reads stdin",
    },
    org: { type: "string", value: "SLUG", description: "The org the key belongs to" },
  },
  details:
    "The config goes to $PATRONUS_CONFIG or ~/.config/patronus/config.json (mode 0600).\n" +
    "PATRONUS_URL, PATRONUS_API_KEY and PATRONUS_ORG override it.",
  async run({ values, io, out }) {
    const url = values.url as string | undefined;
    let apiKey = values["api-key"] as string | undefined;
    if (!url || !apiKey) throw new UsageError("login needs --url and --api-key");
    if (!/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url: not an http(s) URL: ${url}`);
    if (apiKey === "-") apiKey = (await readAll(io.stdin)).trim();
    const org = values.org as string | undefined;
    if (org) {
      // A refused key or a wrong org fails here; a key without site.read is still a key.
      const patronus = createPatronus({ baseUrl: url, apiKey, retries: 1 });
      await patronus
        .GET("/orgs/{orgSlug}/sites", { params: { path: { orgSlug: org }, query: { limit: 1 } } })
        .catch((error: unknown) => {
          if (!(error instanceof ForbiddenError)) throw error;
        });
    }
    const file = configPath(io.env);
    await writeConfig(file, { url, apiKey, ...(org ? { org } : {}) });
    out(`Logged in to ${url}${org ? ` (org ${org})` : ""}. Config: ${file}`);
    return 0;
  },
};

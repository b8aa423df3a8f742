// A dependency-free .env reader: the start script runs before node_modules exists.
import { existsSync, readFileSync } from "node:fs";

/**
 * Parses simple KEY=VALUE lines. Supports comments (#), blank lines, an optional leading
 * `export `, and values wrapped in single or double quotes. No interpolation or multi-line
 * values: anything fancier belongs in the real environment.
 */
export function parseEnv(text) {
  const result = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rest] = match;
    result[key] = unquote(rest);
  }
  return result;
}

function unquote(value) {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\n/g, "\n").replace(/\\"/g, '"') : inner;
  }
  // Unquoted values may carry a trailing comment: `PORT=3000 # web`.
  return value.replace(/\s+#.*$/, "");
}

/**
 * Loads `path` into `env` without overriding variables that are already set, so the shell
 * always wins over the file. Returns the keys that came from the file.
 */
export function loadEnvFile(path, env = process.env) {
  if (!existsSync(path)) return [];
  const loaded = [];
  for (const [key, value] of Object.entries(parseEnv(readFileSync(path, "utf8")))) {
    if (env[key] !== undefined) continue;
    env[key] = value;
    loaded.push(key);
  }
  return loaded;
}

// Network probes: is something listening, and is the portal answering HTTP yet.
import { connect } from "node:net";

/** Resolves true if a TCP connection to host:port succeeds within `timeoutMs`. */
export function probePort(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until host:port accepts connections; resolves false after `timeoutMs`. */
export async function waitForPort(host, port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probePort(host, port, 500)) return true;
    await sleep(200);
  }
  return false;
}

/**
 * Polls `url` until any HTTP response arrives (any status: a 500 still means the server is
 * up, and its log says why). Resolves false after `timeoutMs` or when `shouldStop()` says so.
 */
export async function waitForHttp(url, timeoutMs, shouldStop = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !shouldStop()) {
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      return true;
    } catch {
      await sleep(500);
    }
  }
  return false;
}

/** Host and port of a URL, with the scheme's default port. */
export function hostPort(url, defaultPort) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ""),
    port: Number(parsed.port || defaultPort),
  };
}

/** The URL with any password replaced, for printing. */
export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

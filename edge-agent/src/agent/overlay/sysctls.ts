// Kernel settings the overlay needs in its network namespace: forwarding, and reverse-path
// filtering that tolerates asymmetric paths (each end selects its own path, so a reply
// may arrive on another tunnel than the request left by). A tunnel has no IPv4 address,
// and for such an interface even loose mode drops everything not routed back through it,
// so tunnels get rp_filter 0; WAN links get loose mode (2). The kernel applies the larger
// of `all` and the interface's value, so when `all` is above 0 it is lowered to 0 and
// every other interface (and `default`) is raised to the old value first: their
// effective setting does not change.
import { readdir, readFile } from "node:fs/promises";
import type { Logger } from "../log";
import { sysctl } from "./exec";

const CONF = "/proc/sys/net/ipv4/conf";

async function read(name: string): Promise<number> {
  return Number((await readFile(`${CONF}/${name}/rp_filter`, "utf8")).trim());
}

export async function applyOverlaySysctls(
  o: { tunnels: readonly string[]; wans: readonly string[] },
  log: Logger,
): Promise<void> {
  await sysctl(["net", "ipv4", "ip_forward"], 1);
  const all = await read("all");
  const mine = new Set([...o.tunnels, ...o.wans]);
  if (all > 0) {
    for (const name of await readdir(CONF)) {
      if (name === "all" || mine.has(name)) continue;
      if ((await read(name)) < all) await sysctl(["net", "ipv4", "conf", name, "rp_filter"], all);
    }
    await sysctl(["net", "ipv4", "conf", "all", "rp_filter"], 0);
    log.info("rp_filter: moved the global setting onto each interface", { was: all });
  }
  for (const name of o.tunnels) await sysctl(["net", "ipv4", "conf", name, "rp_filter"], 0);
  for (const name of o.wans)
    if ((await read(name).catch(() => 0)) !== 0)
      await sysctl(["net", "ipv4", "conf", name, "rp_filter"], 2);
}

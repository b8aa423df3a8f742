// Pure: the overlay's application classes in the data plane's terms (app_ports,
// app_prefixes and the steering map: app id → mark 0x7a000000|id and DSCP). Port ranges
// become one map entry per port, so their total is capped by the map's size.
import { MAX_APP_PORTS } from "../../../../protocol";
import type { AppClass } from "../../dataplane/config";
import { classMark } from "./routing-plan";
import type { OverlayClass } from "./types";

/** Entries of the data plane's app_ports map (bpf/include/maps.h). */
export { MAX_APP_PORTS };

const PROTO = { tcp: 6, udp: 17 } as const;

export class AppPlanError extends Error {
  override name = "AppPlanError";
}

export function planApps(classes: readonly OverlayClass[]): AppClass[] {
  const total = classes
    .flatMap((c) => c.match)
    .reduce((n, m) => n + ("proto" in m ? m.hi - m.lo + 1 : 0), 0);
  if (total > MAX_APP_PORTS)
    throw new AppPlanError(
      `application classes name ${total} ports; the data plane holds at most ${MAX_APP_PORTS} (use narrower port ranges, or destination prefixes)`,
    );
  const portOwner = new Map<string, string>();
  const prefixOwner = new Map<string, string>();
  const seen = new Set<number>();
  return classes.map((c) => {
    if (seen.has(c.id)) throw new AppPlanError(`application class id ${c.id} appears twice`);
    seen.add(c.id);
    const ports: { proto: number; port: number }[] = [];
    const prefixes: string[] = [];
    for (const m of c.match) {
      if ("prefix" in m) {
        const other = prefixOwner.get(m.prefix);
        if (other && other !== c.name)
          throw new AppPlanError(`prefix ${m.prefix} is in classes "${other}" and "${c.name}"`);
        prefixOwner.set(m.prefix, c.name);
        prefixes.push(m.prefix);
        continue;
      }
      for (let port = m.lo; port <= m.hi; port++) {
        const k = `${m.proto}/${port}`;
        const other = portOwner.get(k);
        if (other && other !== c.name)
          throw new AppPlanError(`port ${k} is in classes "${other}" and "${c.name}"`);
        if (other) continue;
        portOwner.set(k, c.name);
        ports.push({ proto: PROTO[m.proto], port });
      }
    }
    return {
      appId: c.id,
      ...(ports.length ? { ports } : {}),
      ...(prefixes.length ? { prefixes } : {}),
      steer: { mark: classMark(c.id), ...(c.dscp === undefined ? {} : { dscp: c.dscp }) },
    };
  });
}

// The agent's subsystems, one line each: a new area adds its subsystem here (and the
// control plane's compiler section of the same name).
import type { Driver } from "../drivers/driver";
import type { OverlayTarget } from "../overlay/host";
import type { Subsystem } from "./subsystem";

const DATAPLANE_SECTIONS = ["site", "policy", "port-forwards", "services"];
const OVERLAY_SECTIONS = ["overlay"];

/** What a box that runs every built-in subsystem applies: declared at enrollment. */
export const BOX_SECTIONS = [...DATAPLANE_SECTIONS, ...OVERLAY_SECTIONS];

/** The data plane (eBPF or simulated): the site's interfaces, rules, forwards and services. */
export const dataplaneSubsystem = (driver: Driver): Subsystem => ({
  name: "dataplane",
  sections: DATAPLANE_SECTIONS,
  validate: (c) => driver.validate(c),
  apply: (c, previous) => driver.apply(c, previous),
  verify: (c) => driver.verify(c),
  rollback: (previous) => driver.rollback(previous),
});

/** Tunnels, probes and path steering. */
export const overlaySubsystem = (overlay: OverlayTarget): Subsystem => ({
  name: "overlay",
  sections: OVERLAY_SECTIONS,
  validate: (c) => overlay.validate(c.overlay),
  apply: (c) => overlay.apply(c.overlay),
  verify: (c) => overlay.verify(c.overlay),
  rollback: (previous) => overlay.apply(previous?.overlay),
});

export interface SubsystemParts {
  driver: Driver;
  /** Absent: the config's overlay is ignored (simulated fleets without one). */
  overlay?: OverlayTarget;
  /** Areas added at run time (tests that prove the contract with an area of their own). */
  extra?: readonly Subsystem[];
}

/** Every subsystem of an agent, in the order they apply. */
export function subsystemsOf(p: SubsystemParts): Subsystem[] {
  return [
    dataplaneSubsystem(p.driver),
    ...(p.overlay ? [overlaySubsystem(p.overlay)] : []),
    ...(p.extra ?? []),
  ];
}

export { capabilitiesOf, type Subsystem } from "./subsystem";

// The files of a Mosquitto 2.0 broker directory: its config, trust bundles, ACL (the
// protocol's one rule, mosquittoAcl()), the broker's key pair and the dynamic-security
// file. Used by MosquittoBroker (a child process) and by the fleet process when Mosquitto
// runs as a system service. Trust files are replaced atomically, so a SIGHUP never reads
// half a file.
import { existsSync } from "node:fs";
import { chown, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { mosquittoAcl } from "../../../../protocol/acl";
import { CONTROL_PLANE_IDENTITY, MAX_MESSAGE_BYTES } from "../../../../protocol/topics";
import { writeFileAtomic } from "../pki/files";
import type { PlatformPki } from "../pki/platform";
import { MAX_PACKET_BYTES } from "./packet-limit";
import type { Trust } from "./trust";

export interface MosquittoConfOptions {
  dir: string;
  /** Address to bind; undefined binds every interface. */
  host?: string;
  /** Listener for devices (and the control plane): client id forced to the CN. */
  port: number;
  /** Listener for the control plane only (platform CA), where client ids are free. */
  controlPort?: number;
  /** Write mosquitto.pid (a service whose pid the fleet process signals). */
  pidFile?: boolean;
}

export const mosquittoPaths = (dir: string) => ({
  conf: join(dir, "mosquitto.conf"),
  caBundle: join(dir, "ca.pem"),
  crlBundle: join(dir, "crl.pem"),
  platformCa: join(dir, "platform-ca.pem"),
  platformCrl: join(dir, "platform-crl.pem"),
  acl: join(dir, "acl"),
  cert: join(dir, "broker.pem"),
  key: join(dir, "broker.key"),
  dynsec: join(dir, "dynsec.json"),
  data: join(dir, "data"),
  pid: join(dir, "mosquitto.pid"),
});

const PLUGIN_DIRS = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/usr/lib",
  "/usr/local/lib",
];

/** The dynamic-security plugin, which the revocation kick needs (see mosquitto-kick.ts). */
export const dynsecPlugin = () =>
  PLUGIN_DIRS.map((d) => join(d, "mosquitto_dynamic_security.so")).find((p) => existsSync(p));

/** When root, Mosquitto drops to the `mosquitto` user, which must own its files. */
export async function mosquittoOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile("/etc/passwd", "utf8").catch(() => "");
  const line = passwd.split("\n").find((l) => l.startsWith("mosquitto:"));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export function mosquittoConf(o: MosquittoConfOptions, user: string | undefined): string {
  const p = mosquittoPaths(o.dir);
  const plugin = dynsecPlugin();
  const bind = (port: number) => `listener ${port}${o.host ? ` ${o.host}` : ""}`;
  const tls = [
    `certfile ${p.cert}`,
    `keyfile ${p.key}`,
    "require_certificate true",
    "use_identity_as_username true",
  ];
  return [
    "# Written by Patronus (server/domains/fleet/broker/mosquitto-config.ts).",
    "per_listener_settings false",
    "allow_anonymous false",
    `acl_file ${p.acl}`,
    // message_size_limit refuses payloads over the limit exactly (max_packet_size counts
    // the topic and headers too) and keeps the connection. It is checked once the whole
    // packet is read, though, and Mosquitto allocates what a header announces (up to
    // 256 MB) before reading it: max_packet_size disconnects at the header instead.
    `message_size_limit ${MAX_MESSAGE_BYTES}`,
    `max_packet_size ${MAX_PACKET_BYTES}`,
    // Every device's reports reach the control plane through one connection per worker.
    // Mosquitto's defaults (20 unacknowledged QoS 1 messages in flight per client, 1,000
    // queued behind them) silently drop reports beyond that during a rollout's burst of
    // acks, and a lost ack leaves its rollout running forever (bench/fleet, 10,000 agents:
    // 6,820 acks never reached the database). A device receives a handful of messages, so
    // only the control plane ever comes near these bounds.
    "max_inflight_messages 1000",
    "max_queued_messages 1000000",
    "persistence true",
    `persistence_location ${p.data}/`,
    "autosave_interval 60",
    "log_dest stderr",
    ...["error", "warning", "notice", "information"].map((t) => `log_type ${t}`),
    "connection_messages false",
    ...(user ? [`user ${user}`] : []),
    ...(o.pidFile ? [`pid_file ${p.pid}`] : []),
    ...(plugin ? [`plugin ${plugin}`, `plugin_opt_config_file ${p.dynsec}`] : []),
    "",
    bind(o.port),
    `cafile ${p.caBundle}`,
    `crlfile ${p.crlBundle}`,
    ...tls,
    // Without this a device could connect with another device's client id and take over
    // (disconnect) its session, across orgs.
    "use_username_as_clientid true",
    "",
    ...(o.controlPort
      ? [bind(o.controlPort), `cafile ${p.platformCa}`, `crlfile ${p.platformCrl}`, ...tls, ""]
      : []),
  ].join("\n");
}

/** Dynamic security knows only the control plane, allowed to use $CONTROL to kick clients. */
function dynsecConfig(): string {
  const topic = "$CONTROL/dynamic-security/#";
  return JSON.stringify({
    defaultACLAccess: {
      publishClientSend: false,
      publishClientReceive: false,
      subscribe: false,
      unsubscribe: true,
    },
    clients: [{ username: CONTROL_PLANE_IDENTITY, roles: [{ rolename: "patronus-control" }] }],
    groups: [],
    roles: [
      {
        rolename: "patronus-control",
        acls: ["publishClientSend", "publishClientReceive", "subscribePattern"].map((acltype) => ({
          acltype,
          topic,
          allow: true,
        })),
      },
    ],
  });
}

async function put(path: string, data: string, mode: number, owner?: { uid: number; gid: number }) {
  await writeFileAtomic(path, data, mode);
  if (owner) await chown(path, owner.uid, owner.gid);
}

/** Replaces the trust bundles; the caller then sends SIGHUP. */
export async function writeTrustFiles(
  dir: string,
  trust: Trust,
  platform: Pick<PlatformPki, "caPem" | "crlPem">,
) {
  const p = mosquittoPaths(dir);
  const owner = await mosquittoOwner();
  await put(p.caBundle, trust.caBundle, 0o644, owner);
  await put(p.crlBundle, trust.crlBundle, 0o644, owner);
  await put(p.platformCa, platform.caPem, 0o644, owner);
  await put(p.platformCrl, platform.crlPem, 0o644, owner);
}

/**
 * Writes every file of a broker directory. keepConf leaves an existing mosquitto.conf
 * alone (an operator may have edited it). Returns the user Mosquitto will run as.
 */
export async function writeMosquittoDir(
  o: MosquittoConfOptions & { trust: Trust; platform: PlatformPki; keepConf?: boolean },
) {
  const p = mosquittoPaths(o.dir);
  const owner = await mosquittoOwner();
  // As root without a mosquitto user there is nobody to drop to: stay root.
  const user = process.getuid?.() === 0 ? (owner ? "mosquitto" : "root") : undefined;
  await mkdir(p.data, { recursive: true, mode: 0o700 });
  if (owner) {
    await chown(o.dir, owner.uid, owner.gid);
    await chown(p.data, owner.uid, owner.gid);
  }
  await writeTrustFiles(o.dir, o.trust, o.platform);
  await put(p.acl, mosquittoAcl(), 0o644, owner);
  await put(p.cert, o.platform.brokerCertPem, 0o644, owner);
  await put(p.key, o.platform.brokerKeyPem, 0o600, owner);
  if (!existsSync(p.dynsec)) await put(p.dynsec, dynsecConfig(), 0o600, owner);
  if (!o.keepConf || !existsSync(p.conf)) await put(p.conf, mosquittoConf(o, user), 0o644, owner);
  return { user, paths: p };
}

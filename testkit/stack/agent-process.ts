// A real agent in a process of its own, for tests that SIGKILL it: the production Agent
// over mutual TLS from an enrolled state directory (FileStore), with the simulated data
// plane slowed down by applyDelayMs. Everything it says goes to stdout as JSON lines: the
// agent's own log, plus `apply-start` / `running` events from the driver, so the parent
// can kill it at a known point (mid-apply) and see what the data plane ran.
//   node --import tsx agent-process.ts <stateDir> <applyDelayMs>
import { Agent } from "../../edge-agent/src/agent/agent";
import { SimulatedDriver } from "../../edge-agent/src/agent/drivers/simulated";
import { createLogger } from "../../edge-agent/src/agent/log";
import { FileStore } from "../../edge-agent/src/agent/store";
import { configHash, type DeviceConfig } from "../../protocol";

const [stateDir, delay] = process.argv.slice(2) as [string, string];
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

class ObservedDriver extends SimulatedDriver {
  override async apply(config: DeviceConfig) {
    say({ msg: "apply-start", hash: configHash(config) });
    await super.apply(config);
    say({ msg: "running", hash: configHash(config) });
  }
}

const store = new FileStore(stateDir);
const identity = await store.loadIdentity();
const credentials = await store.loadCredentials();
if (!identity || !credentials) throw new Error(`${stateDir} is not an enrolled state dir`);
const agent = new Agent({
  identity,
  credentials,
  driver: new ObservedDriver({ applyDelayMs: Number(delay) }),
  store,
  log: createLogger("info", (l) => process.stdout.write(`${l}\n`)),
  heartbeatSeconds: 5,
  backoff: { baseMs: 100, capMs: 1000 },
  renewal: false,
});
await agent.start();
process.once("SIGTERM", () => {
  void agent.stop().then(() => process.exit(0));
});

// Where the benchmark's brokers listen and the URLs the processes are given. Apart from
// control-plane.ts because run.ts sets these URLs in process.env before anything reads the
// server's configuration.

/** Where the brokers listen: Mosquitto's two listeners, or one port per embedded broker. */
export type BrokerPorts =
  | { kind: "mosquitto"; port: number; controlPort: number }
  | { kind: "embedded"; ports: number[] };

/** Device and control URLs the enrollment answer and the processes are given. */
export function brokerUrls(ports: BrokerPorts, balancerPort?: number) {
  if (ports.kind === "mosquitto")
    return {
      FLEET_MQTT_URL: `mqtts://127.0.0.1:${ports.controlPort}`,
      FLEET_AGENT_MQTT_URL: `mqtts://127.0.0.1:${ports.port}`,
    };
  const url = `mqtts://127.0.0.1:${balancerPort ?? ports.ports[0]}`;
  return { FLEET_MQTT_URL: url, FLEET_AGENT_MQTT_URL: url };
}

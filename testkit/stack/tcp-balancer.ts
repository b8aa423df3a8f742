// A layer-4 load balancer on loopback, playing the fleet's Service in front of several
// brokers: each new connection goes to the next backend that accepts it, round robin, and
// TLS passes through untouched (the brokers authenticate devices by certificate). A
// backend that is down is skipped, so clients reconnect to whichever broker is up.
import { connect, createServer, type Server, type Socket } from "node:net";

export class TcpBalancer {
  /** Connections handed to each backend port so far. */
  readonly handed = new Map<number, number>();
  private next = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly backends: number[],
  ) {}

  static async start(backends: number[], host = "127.0.0.1"): Promise<TcpBalancer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const port = (server.address() as { port: number }).port;
    const balancer = new TcpBalancer(server, port, backends);
    server.on("connection", (client) => balancer.accept(client, host));
    return balancer;
  }

  get url() {
    return `mqtts://127.0.0.1:${this.port}`;
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  private accept(client: Socket, host: string) {
    this.track(client);
    client.pause();
    client.on("error", () => client.destroy());
    const start = this.next++;
    const attempt = (i: number) => {
      if (i === this.backends.length || client.destroyed) return client.destroy();
      const port = this.backends[(start + i) % this.backends.length] as number;
      const upstream = connect(port, host);
      upstream.once("error", () => {
        upstream.destroy();
        attempt(i + 1);
      });
      upstream.once("connect", () => {
        this.track(upstream);
        this.handed.set(port, (this.handed.get(port) ?? 0) + 1);
        upstream.removeAllListeners("error");
        upstream.on("error", () => client.destroy());
        upstream.once("close", () => client.destroy());
        client.once("close", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

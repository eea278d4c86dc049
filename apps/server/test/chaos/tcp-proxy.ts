import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, between OnAir and a Redis: `partition()` cuts every connection
 * and refuses new ones (a network partition as a client sees it), `heal()` lets them through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private partitioned = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      if (!proxy || proxy.partitioned) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy?.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  partition(): void {
    this.partitioned = true;
    for (const socket of this.sockets) socket.destroy();
  }

  heal(): void {
    this.partitioned = false;
  }

  async close(): Promise<void> {
    this.partition();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

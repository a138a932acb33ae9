/**
 * A TCP proxy the test can cut and restore, to put one process on the far side of a
 * network partition without stopping Redis. Cutting does not close anything: the sockets
 * stay open and every byte, either way, is held in the proxy until `restore()` sends it on,
 * in order. That is what a partition that heals looks like to both ends (TCP retransmits
 * until the path is back), so requests sent during the cut arrive late, not never.
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** `redis://127.0.0.1:PORT`: the target, through the proxy. */
  url: string;
  /** Holds all traffic, both ways, on every connection (old and new). */
  cut(): void;
  /** Sends what was held, in order, and lets traffic flow again. */
  restore(): void;
  close(): Promise<void>;
}

/** One direction of one connection: forwards, or holds while the proxy is cut. */
class Pipe {
  private held: Buffer[] = [];
  constructor(
    private readonly proxy: { cut: boolean },
    private readonly to: Socket,
  ) {}
  push(chunk: Buffer): void {
    if (this.proxy.cut || this.held.length > 0) this.held.push(chunk);
    else this.to.write(chunk);
  }
  flush(): void {
    for (const chunk of this.held) this.to.write(chunk);
    this.held = [];
  }
}

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const state = { cut: false };
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    const up = new Pipe(state, upstream);
    const down = new Pipe(state, client);
    for (const [socket, pipe] of [
      [client, up],
      [upstream, down],
    ] as const) {
      sockets.add(socket);
      pipes.add(pipe);
      socket.on('data', (chunk: Buffer) => pipe.push(chunk));
      // Either end going away ends the other; errors are the ends' business, not the test's.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        pipes.delete(pipe);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut() {
      state.cut = true;
    },
    restore() {
      state.cut = false;
      for (const pipe of pipes) pipe.flush();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

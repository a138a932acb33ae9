/**
 * A TCP proxy the test can cut and restore, to put one process on the far side of a
 * network partition without stopping Redis. Cutting does not close anything: the sockets
 * stay open and every byte, either way, is held in the proxy until `restore()` sends it on,
 * in order. That is what a partition that heals looks like to both ends (TCP retransmits
 * until the path is back), so requests sent during the cut arrive late, not never.
 * `latency(ms)` delays every chunk by `ms`, keeping the order: a slow network (chaos runs).
 */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Clock, realClock, type TimerHandle } from '@cadenza/core';

export interface TcpProxy {
  /** `redis://127.0.0.1:PORT`: the target, through the proxy. */
  url: string;
  /** Holds all traffic, both ways, on every connection (old and new). */
  cut(): void;
  /** Sends what was held, in order, and lets traffic flow again. */
  restore(): void;
  /** Delays each chunk by `ms` from now on (0: none). */
  latency(ms: number): void;
  close(): Promise<void>;
}

interface State {
  cut: boolean;
  latencyMs: number;
  /** What latency is timed by. */
  clock: Clock;
}

/** One direction of one connection: forwards, holds while cut, delays by the latency. */
class Pipe {
  private held: Buffer[] = [];
  private inFlight = 0;
  private readonly late: { chunk: Buffer; at: number }[] = [];
  private timer: TimerHandle | undefined;
  constructor(
    private readonly state: State,
    private readonly to: Socket,
  ) {}
  push(chunk: Buffer): void {
    if (this.state.cut || this.held.length > 0) this.held.push(chunk);
    else this.send(chunk);
  }
  flush(): void {
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.send(chunk);
  }
  private send(chunk: Buffer): void {
    if (this.state.latencyMs <= 0 && this.inFlight === 0) {
      this.to.write(chunk);
      return;
    }
    // A chunk never overtakes an earlier one: due no sooner than the one before it.
    const last = this.late.at(-1)?.at ?? 0;
    this.late.push({ chunk, at: Math.max(last, this.state.clock.now() + this.state.latencyMs) });
    this.inFlight++;
    this.arm();
  }
  private arm(): void {
    if (this.timer !== undefined || this.late.length === 0) return;
    const next = this.late[0];
    if (next === undefined) return;
    this.timer = this.state.clock.setTimeout(
      () => {
        this.timer = undefined;
        const now = this.state.clock.now();
        while (this.late.length > 0 && (this.late[0]?.at ?? 0) <= now) {
          const due = this.late.shift();
          this.inFlight--;
          if (due !== undefined && !this.to.destroyed) this.to.write(due.chunk);
        }
        this.arm();
      },
      Math.max(0, next.at - this.state.clock.now()),
    );
  }
  dispose(): void {
    this.timer?.cancel();
  }
}

export async function startProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
  clock: Clock = realClock,
): Promise<TcpProxy> {
  const state: State = { cut: false, latencyMs: 0, clock };
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
        pipe.dispose();
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
    latency(ms) {
      state.latencyMs = ms;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

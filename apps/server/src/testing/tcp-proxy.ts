import net from 'node:net';

// A TCP proxy a test puts between the server's pool and Postgres, so it can
// cut the network and restore it while transactions are in flight.

export type CutMode =
  /** Every open connection gets a TCP reset and new ones are reset at once: a cable pulled with the peer noticing. */
  | 'reset'
  /** Nothing passes either way and new connections hang: a silent partition, the peer notices nothing. */
  | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  /** `targetUrl` with its host and port pointed at the proxy. */
  url(targetUrl: string): string;
  /** Connections through the proxy right now. */
  readonly open: number;
  cut(mode: CutMode): void;
  /** Lets traffic pass again; what a blackhole held back is delivered, as TCP would retransmit it. */
  restore(): void;
  /**
   * Once: on the first connection that sends Postgres a message containing
   * `after`, the next message containing `text` goes through and then the
   * connection dies before any answer comes back: Postgres acts on it, the
   * client never learns the outcome. Resolves once Postgres has closed that
   * connection, so it has acted on the statement.
   */
  cutAfter(text: string, after: string): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** Chunks held back during a blackhole, per direction. */
  held: { toUpstream: Buffer[]; toClient: Buffer[] };
  closedDuringCut: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let state: 'open' | CutMode = 'open';
  let trap: { text: Buffer; after: Buffer; on: Pair | null; sending: boolean; struck: () => void } | null = null;
  const pairs = new Set<Pair>();
  /** Clients that arrived during a blackhole: they wait, unconnected, for the restore. */
  const waiting = new Set<Pair>();

  const drop = (pair: Pair, reset: boolean): void => {
    pairs.delete(pair);
    waiting.delete(pair);
    if (reset) {
      if (!pair.client.destroyed) pair.client.resetAndDestroy();
      if (pair.upstream && !pair.upstream.destroyed) pair.upstream.resetAndDestroy();
    } else {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
  };

  const send = (to: net.Socket | null, from: net.Socket, chunk: Buffer, held: Buffer[]): void => {
    if (state === 'blackhole' || !to) {
      held.push(chunk);
      return;
    }
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => {
        if (state !== 'blackhole') from.resume();
      });
    }
  };

  const connectUpstream = (pair: Pair): void => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('data', (chunk: Buffer) => send(pair.client, upstream, chunk, pair.held.toClient));
    upstream.on('error', () => closed(pair));
    upstream.on('close', () => closed(pair));
    upstream.on('connect', () => flush(pair));
  };

  const flush = (pair: Pair): void => {
    if (pair.upstream && !pair.upstream.connecting) {
      for (const chunk of pair.held.toUpstream.splice(0)) pair.upstream.write(chunk);
    }
    for (const chunk of pair.held.toClient.splice(0)) pair.client.write(chunk);
    pair.client.resume();
    pair.upstream?.resume();
  };

  /** A side that closes during a blackhole: the other side hears of it only once the network is back. */
  const closed = (pair: Pair): void => {
    if (state === 'blackhole') pair.closedDuringCut = true;
    else drop(pair, false);
  };

  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const pair: Pair = { client, upstream: null, held: { toUpstream: [], toClient: [] }, closedDuringCut: false };
    client.on('error', () => closed(pair));
    client.on('close', () => closed(pair));
    if (state === 'reset') {
      client.resetAndDestroy();
      return;
    }
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (trap && !trap.on && chunk.includes(trap.after)) trap.on = pair;
      else if (trap?.on === pair && state === 'open' && pair.upstream && !pair.upstream.connecting && (trap.sending || chunk.includes(trap.text))) {
        trap.sending = true;
        // The statement's messages may come in several chunks: it is whole once its Sync (or simple Query) has gone.
        if (!endsStatement(chunk)) {
          pair.upstream.write(chunk);
          return;
        }
        const { struck } = trap;
        trap = null;
        // Postgres gets the statement and then end-of-stream; the client gets a reset instead of the answer.
        // The client's close must not destroy the upstream socket before the statement is flushed.
        pairs.delete(pair);
        client.removeAllListeners('close').removeAllListeners('error').on('error', () => undefined);
        pair.upstream.once('close', () => struck());
        pair.upstream.end(chunk);
        client.resetAndDestroy();
        return;
      }
      send(pair.upstream?.connecting ? null : pair.upstream, client, chunk, pair.held.toUpstream);
    });
    if (state === 'blackhole') {
      client.pause();
      waiting.add(pair);
      return;
    }
    connectUpstream(pair);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url(targetUrl) {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get open() {
      return pairs.size;
    },
    cut(mode) {
      state = mode;
      for (const pair of [...pairs]) {
        if (mode === 'reset') drop(pair, true);
        else {
          pair.client.pause();
          pair.upstream?.pause();
        }
      }
    },
    restore() {
      state = 'open';
      for (const pair of [...waiting]) {
        waiting.delete(pair);
        if (!pair.client.destroyed) connectUpstream(pair);
      }
      for (const pair of [...pairs]) {
        if (pair.closedDuringCut) drop(pair, false);
        else flush(pair);
      }
    },
    cutAfter(text, after) {
      return new Promise<void>((struck) => {
        trap = { text: Buffer.from(text), after: Buffer.from(after), on: null, sending: false, struck };
      });
    },
    async close() {
      for (const pair of [...pairs]) drop(pair, false);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sync ('S', length 4) ends an extended-protocol statement; a simple Query ('Q') is one message. */
function endsStatement(chunk: Buffer): boolean {
  const sync = Buffer.from([0x53, 0, 0, 0, 4]);
  return (chunk.length >= 5 && chunk.subarray(chunk.length - 5).equals(sync)) || chunk[0] === 0x51;
}

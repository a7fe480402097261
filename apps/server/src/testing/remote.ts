import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { ChangeMessage } from '@frontdesk/shared';
import type { AppRouter } from '../router.js';

// Real server processes and real SSE clients, for the multi-process tests and
// the propagation bench.

const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
// The tracing preload, as every way of starting the server loads it (a no-op without an OTLP endpoint).
const INSTRUMENT = new URL('../observability/instrument.ts', import.meta.url).href;
// `npm run build`'s output, which plain node runs.
const BUILT_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const BUILT_INSTRUMENT = new URL('../../dist/instrument.js', import.meta.url).href;
const COMMANDS = {
  source: [TSX, '--import', INSTRUMENT, MAIN],
  built: [process.execPath, '--enable-source-maps', '--import', BUILT_INSTRUMENT, BUILT_MAIN],
} as const;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** What the process has printed on stdout so far (its startup lines, e.g. the first run's setup code). */
  output(): string;
}

/** Which server is started unless a caller says: FRONTDESK_SERVER=built runs `npm run build`'s output, as a clinic runs it (the bench does). */
const DEFAULT_FROM: keyof typeof COMMANDS = process.env.FRONTDESK_SERVER === 'built' ? 'built' : 'source';

/** Runs apps/server/src/main.ts (or, `built`, dist/main.js) in its own process against `databaseUrl`. */
export function startServerProcess(databaseUrl: string, env: Record<string, string> = {}, from: keyof typeof COMMANDS = DEFAULT_FROM): Promise<ServerProcess> {
  const [program, ...args] = COMMANDS[from];
  const child = spawn(program, args, {
    env: { ...process.env, DATABASE_URL: databaseUrl, FRONTDESK_PORT: '0', FRONTDESK_SEED: 'none', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the server in a child node process, and a
    // SIGKILL to tsx alone would leave that child serving.
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        child.kill(signal);
      }
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let listening = false;
    const untilReady = async (url: string): Promise<void> => {
      while (child.exitCode === null && (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) await sleep(100);
    };
    const timer = setTimeout(() => {
      void kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}\n${err}`));
    }, 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = out.match(/Frontdesk server listening on (http:\/\/\S+)/);
      if (match && !listening) {
        listening = true;
        // Ready as a load balancer sees it: the database reached, migrations current, the log reader listening.
        void untilReady(match[1]!).then(() => {
          clearTimeout(timer);
          resolve({ url: match[1]!, child, kill, output: () => out });
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${out}\n${err}`));
    });
  });
}

/** The servers a client may use; moves to the next when one stops answering. */
export class ServerRotation {
  private index: number;
  constructor(
    private readonly urls: () => readonly string[],
    start = 0,
  ) {
    this.index = start;
  }

  current(): string {
    const urls = this.urls();
    return urls[this.index % urls.length]!;
  }

  next(): void {
    this.index++;
  }

  /** A fetch for EventSource that sends every (re)connection to a live server. */
  fetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.urls().length; attempt++) {
      const target = new URL(String(input));
      const base = new URL(this.current());
      target.protocol = base.protocol;
      target.host = base.host;
      try {
        return await fetch(target, init);
      } catch (error) {
        lastError = error;
        this.next();
      }
    }
    throw lastError;
  };
}

export function clientFor(url: () => string, token?: string, rotation?: ServerRotation) {
  const send = rotation ? rotation.fetch : fetch;
  // The token travels in the Authorization header: the server refuses it in the URL.
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const Rotating = class extends EventSource {
    constructor(target: string | URL, init?: ConstructorParameters<typeof EventSource>[1]) {
      super(target, { ...init, fetch: (input, fetchInit) => send(input, { ...fetchInit, headers: { ...fetchInit.headers, ...auth } }) });
    }
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: () => `${url()}/trpc`,
          EventSource: Rotating,
        }),
        false: httpBatchLink({
          url: `${url()}/trpc`,
          headers: () => auth,
        }),
      }),
    ],
  });
}

export async function loginAt(url: string, email: string, password: string, desk = 'test desk'): Promise<string> {
  const { token } = await clientFor(() => url).auth.login.mutate({ email, password, desk });
  return token;
}

export interface RemoteSubscriber {
  /** Seqs of the events received, in arrival order. */
  seqs: string[];
  /** Connection changes and messages, in order, for diagnosing a failure. */
  trace: string[];
  messages: ChangeMessage[];
  live: Promise<void>;
  /** Called with each event's seq as it arrives (bench timing). */
  onEvent?: (seq: string, at: number) => void;
  errors: unknown[];
  close(): void;
}

/** One desk window's `changes` stream over real SSE. */
export function subscribeRemote(options: {
  rotation: ServerRotation;
  token: string;
  branchIds?: string[];
  onEvent?: (seq: string, at: number) => void;
}): RemoteSubscriber {
  const client = clientFor(() => options.rotation.current(), options.token, options.rotation);
  let markLive: () => void = () => undefined;
  const live = new Promise<void>((resolve) => {
    markLive = resolve;
  });
  const subscriber: RemoteSubscriber = { seqs: [], trace: [], messages: [], live, errors: [], close: () => undefined };
  const sub = client.changes.subscribe(options.branchIds ? { branchIds: options.branchIds } : {}, {
    onStarted() {
      subscriber.trace.push('started');
    },
    onConnectionStateChange(state) {
      subscriber.trace.push(`state:${state.state}`);
    },
    onData({ data }) {
      subscriber.messages.push(data);
      if (data.kind === 'events') {
        const at = performance.now();
        for (const event of data.events) {
          subscriber.trace.push(event.seq);
          subscriber.seqs.push(event.seq);
          options.onEvent?.(event.seq, at);
        }
      } else {
        subscriber.trace.push(`${data.kind}:${data.headSeq}`);
        if (data.kind === 'live') markLive();
      }
    },
    onError(error) {
      subscriber.errors.push(error);
    },
  });
  subscriber.close = () => sub.unsubscribe();
  return subscriber;
}

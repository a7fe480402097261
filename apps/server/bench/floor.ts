import { BENCH_PASSWORD, drive, trpcClient, type BenchClinic, type LoadResult } from './booking.js';

// The floor under every procedure on this machine: what a server process
// answers per second when the answer costs nothing. /healthz is plain HTTP
// (no tRPC, no database); auth.me is the cheapest authenticated tRPC query
// (the session lookup and the procedure's middleware, no transaction).

export interface FloorResult {
  healthz: LoadResult;
  authMe: LoadResult;
}

export async function benchFloor(url: string, clinic: BenchClinic, opts: { clients: number; durationMs: number }): Promise<FloorResult> {
  const healthz = await drive(opts.clients, opts.durationMs, async () => {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`/healthz answered ${res.status}`);
    return 'ok';
  });
  const token = (await trpcClient(url).auth.login.mutate({ email: clinic.staffEmail, password: BENCH_PASSWORD, desk: 'floor' })).token;
  const clients = Array.from({ length: opts.clients }, () => trpcClient(url, token));
  const authMe = await drive(opts.clients, opts.durationMs, async (c) => {
    await clients[c]!.auth.me.query();
    return 'ok';
  });
  return { healthz, authMe };
}

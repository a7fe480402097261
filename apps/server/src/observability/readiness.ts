import { setTimeout as sleep } from 'node:timers/promises';
import { migrationNames } from '../db/migrate.js';
import { inTransaction, type Db } from '../db/tx.js';
import { observeReadiness } from './metrics.js';

// Whether this process should be sent requests: /readyz and the
// frontdesk_ready gauge. A process that is alive but not ready answers
// /healthz and 503 here, so a load balancer stops sending it desks.

export interface ReadinessState {
  ready: boolean;
  /** The first check that failed, in plain words. */
  reason?: string;
  checks: { database: string; migrations: string; logReader: string; shutdown: string };
}

export interface ReadinessProbe {
  db: Db;
  logReader: { readonly isConnected: boolean };
  /** Answers slower than this count as unreachable (a load balancer asks often). */
  timeoutMs?: number;
}

const OK = 'ok';

export class Readiness {
  private draining = false;
  private known: Promise<string[]> | null = null;

  constructor(private readonly probe: ReadinessProbe) {
    observeReadiness(async () => (await this.check()).ready);
  }

  /** From now on not ready: the process is shutting down. */
  drain(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessState> {
    const checks: ReadinessState['checks'] = { database: OK, migrations: OK, logReader: OK, shutdown: OK };
    if (this.draining) checks.shutdown = 'shutting down';
    if (!this.probe.logReader.isConnected) checks.logReader = 'the event log reader is not listening';
    const applied = await this.appliedMigrations().catch(() => null);
    if (applied === null) {
      checks.database = 'the database is unreachable';
      checks.migrations = 'unknown';
    } else {
      // Migrations newer than this code (a rolling upgrade ahead of it) leave it ready: they only add.
      const missing = (await this.knownMigrations()).filter((name) => !applied.has(name));
      if (missing.length > 0) checks.migrations = `migrations not applied: ${missing.join(', ')}`;
    }
    const reason = [checks.shutdown, checks.database, checks.migrations, checks.logReader].find((c) => c !== OK);
    return reason ? { ready: false, reason, checks } : { ready: true, checks };
  }

  private knownMigrations(): Promise<string[]> {
    this.known ??= migrationNames();
    return this.known;
  }

  /** Through the app's own pool: what matters is that requests can reach the database. */
  private async appliedMigrations(): Promise<Set<string>> {
    const timeoutMs = this.probe.timeoutMs ?? 2_000;
    const query = inTransaction(this.probe.db, { tenantId: null, attempts: 1 }, (tx) =>
      tx.$queryRaw<{ name: string }[]>`SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const timeout = sleep(timeoutMs, 'timeout' as const, { ref: false });
    const result = await Promise.race([query, timeout]);
    if (result === 'timeout') {
      query.catch(() => undefined);
      throw new Error('readiness query timed out');
    }
    return new Set(result.map((r) => r.name));
  }
}

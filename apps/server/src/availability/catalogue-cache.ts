import { LRUCache } from 'lru-cache';
import { notFound } from '../errors.js';
import type { Db, Tx } from '../db/tx.js';
import type { AvailabilityRepository, Catalogue } from './availability.repository.js';

/** How long a service's catalogue is reused; another process's schedule change shows within this. */
const CATALOGUE_TTL_MS = 5_000;

/**
 * The catalogue of a service (requirements, resources, hours), kept briefly;
 * occupancy and time off never are. One per composition root: schedule
 * commands made through it invalidate at once, other processes catch up
 * within the TTL.
 */
export class CatalogueCache {
  // Promises are kept, so concurrent searches for one service share one read.
  private readonly entries = new LRUCache<string, Promise<Catalogue>>({ max: 1_000, ttl: CATALOGUE_TTL_MS });

  constructor(
    private readonly db: Db,
    private readonly repo: AvailabilityRepository,
  ) {}

  /**
   * The catalogue of a service of the tenant; NOT_FOUND when there is no such service.
   * `via`: a transaction the caller holds, read through on a miss, so a caller
   * inside a transaction never waits for a second connection (with a small
   * pool, or a pooler's few server connections, every holder waiting for one
   * would wait for each other).
   */
  async get(tenantId: string, serviceId: string, via?: Tx): Promise<Catalogue> {
    const key = `${tenantId}:${serviceId}`;
    let value = this.entries.get(key);
    if (!value) {
      const read = this.repo.catalogue(via ?? this.db, tenantId, serviceId);
      this.entries.set(key, (value = read));
      // A failed read is not kept: the next call reads again.
      read.catch(() => this.forget(key, read));
    }
    const cat = await value;
    if (!cat.service) {
      this.forget(key, value);
      throw notFound('service');
    }
    return cat;
  }

  /** Forgets a tenant's catalogues, after its hours, time off or resources change. */
  invalidate(tenantId: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${tenantId}:`)) this.entries.delete(key);
  }

  private forget(key: string, value: Promise<Catalogue>): void {
    if (this.entries.peek(key) === value) this.entries.delete(key);
  }
}

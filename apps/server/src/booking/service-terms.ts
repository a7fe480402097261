import { LRUCache } from 'lru-cache';
import { notFound } from '../errors.js';
import type { Db } from '../db/tx.js';
import type { BookingRepository, ServiceInfo } from './booking.repository.js';

/** How long a service's duration, buffers and price are reused (a price change shows within this). */
const SERVICE_TTL_MS = 5_000;

/** Duration, buffers and branch price of a service, kept for a few seconds as the catalogue is. One per composition root. */
export class ServiceTermsCache {
  private readonly entries = new LRUCache<string, ServiceInfo>({ max: 10_000, ttl: SERVICE_TTL_MS });

  constructor(
    private readonly db: Db,
    private readonly repo: BookingRepository,
  ) {}

  /** The terms of an active service of the tenant at a branch; NOT_FOUND otherwise. */
  async get(tenantId: string, serviceId: string, branchId: string): Promise<ServiceInfo> {
    const key = `${tenantId}:${serviceId}:${branchId}`;
    const cached = this.entries.get(key);
    if (cached) return cached;
    const service = await this.repo.serviceInfo(this.db, tenantId, serviceId, branchId);
    if (!service) throw notFound('service');
    this.entries.set(key, service);
    return service;
  }

  /** Forgets a tenant's terms after its services change (setup), so the next booking reads them again. */
  invalidate(tenantId: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${tenantId}:`)) this.entries.delete(key);
  }
}

import type { ApiCaller } from '../api-clients/api-clients.service.js';
import { inTransaction, type Db } from '../db/tx.js';
import type { FhirRepository } from './fhir.repository.js';
import { need, type FhirService } from './fhir.service.js';
import { badInput } from './outcome.js';
import type { Resource } from './resources.js';

// SMART Scheduling Links: GET $bulk-publish answers a manifest naming one
// NDJSON file per type (Location, Schedule, Slot). With `_since`, the files
// hold only what the event log says changed after that instant: the slots of
// practitioners whose appointments, hours or time off changed; a setup change
// (a service, a branch, a resource) publishes everything again.

export const BULK_TYPES = ['Location', 'Schedule', 'Slot'] as const;
export type BulkType = (typeof BULK_TYPES)[number];
/** How far ahead free slots are published. */
export const PUBLISH_DAYS = 14;

const SETUP_TYPES = new Set(['organisation.created', 'branch.changed', 'resource.changed', 'service.changed', 'import.completed', 'hours.exception_changed']);

export interface Manifest {
  transactionTime: string;
  request: string;
  /** The files are served to registered clients only (a clinic's free times are not published to everyone). */
  requiresAccessToken: true;
  output: { type: BulkType; url: string }[];
  error: never[];
}

export class BulkPublish {
  constructor(
    private readonly db: Db,
    private readonly repo: FhirRepository,
    private readonly fhir: FhirService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  manifest(c: ApiCaller, base: string, since: string | null): Manifest {
    need(c, 'system/Slot.read');
    if (since !== null) sinceDate(since);
    const q = since ? `?_since=${encodeURIComponent(since)}` : '';
    return {
      transactionTime: this.now().toISOString(),
      request: `${base}/$bulk-publish${q}`,
      requiresAccessToken: true,
      output: BULK_TYPES.map((type) => ({ type, url: `${base}/$bulk-publish/${type}.ndjson${q}` })),
      error: [],
    };
  }

  async file(c: ApiCaller, type: BulkType, since: string | null, deepLink: (slotId: string) => string): Promise<Resource[]> {
    need(c, 'system/Slot.read');
    const changed = since === null ? null : await inTransaction(this.db, { tenantId: c.actor.tenantId }, (tx) => this.repo.changesSince(tx, c.actor.tenantId, sinceDate(since)));
    const everything = changed === null || changed.types.some((t) => SETUP_TYPES.has(t));
    if (type === 'Location') {
      const all = await this.fhir.locations(withScope(c, 'system/Location.read'));
      return everything ? all : all.filter((l) => changed.types.includes('branch.changed') && changed.branchIds.includes(String(l.id)));
    }
    const schedules = await this.fhir.schedules(withScope(c, 'system/Schedule.read'));
    const touched = (s: Resource) => {
      const actors = (s.actor as { reference: string }[]).map((a) => a.reference.split('/')[1]);
      return everything || actors.some((id) => changed.resourceIds.includes(id!));
    };
    if (type === 'Schedule') return everything ? schedules : [];
    const from = this.now();
    const to = new Date(from.getTime() + PUBLISH_DAYS * 86_400_000);
    const out: Resource[] = [];
    for (const s of schedules.filter(touched)) out.push(...(await this.fhir.slots(c, { schedule: String(s.id), from, to, deepLink })));
    return out;
  }
}

function sinceDate(since: string): Date {
  const at = new Date(since);
  if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(since)) throw badInput('_since is an instant, e.g. 2026-08-10T09:00:00Z.', '_since');
  return at;
}

/** Publishing Slots implies their Locations and Schedules. */
function withScope(c: ApiCaller, scope: Parameters<typeof need>[1]): ApiCaller {
  return c.scopes.has(scope) ? c : { ...c, scopes: new Set([...c.scopes, scope]) };
}

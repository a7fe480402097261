import type { Service } from '../../lib/types.js';

// Which service a click on a column books: pure, so it is tested alone.

export interface ColumnResource {
  id: string;
  kind: string;
  tags: string[];
}

/**
 * Whether `service` can be booked on `resource` alone: one of its needs is
 * that kind, with that tag; and a practitioner must be on the service's list
 * when it has one.
 */
export function serviceFits(service: Service, resource: ColumnResource): boolean {
  if (!service.requirements.some((r) => r.kind === resource.kind && (r.tag === null || resource.tags.includes(r.tag)))) return false;
  return resource.kind !== 'PRACTITIONER' || service.practitioners.length === 0 || service.practitioners.some((p) => p.resourceId === resource.id);
}

/** The service's length with this resource: a practitioner's own where set, else the service's. */
export function lengthWith(service: Service, resourceId: string | undefined): number {
  return service.practitioners.find((p) => p.resourceId === resourceId)?.durationMin ?? service.durationMin;
}

/** The preferred service if it fits the column, else the first that does. */
export function serviceForColumn(services: readonly Service[], resource: ColumnResource, preferredId: string): Service | null {
  const preferred = services.find((s) => s.id === preferredId);
  if (preferred && serviceFits(preferred, resource)) return preferred;
  return services.find((s) => serviceFits(s, resource)) ?? null;
}

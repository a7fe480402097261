import type { Service } from '../../lib/types.js';

// Which service a click on a column books: pure, so it is tested alone.

export interface ColumnResource {
  kind: string;
  tags: string[];
}

/** Whether `service` can be booked on `resource` alone (one of its needs is that kind, with that tag). */
export function serviceFits(service: Service, resource: ColumnResource): boolean {
  return service.requirements.some((r) => r.kind === resource.kind && (r.tag === null || resource.tags.includes(r.tag)));
}

/** The preferred service if it fits the column, else the first that does. */
export function serviceForColumn(services: readonly Service[], resource: ColumnResource, preferredId: string): Service | null {
  const preferred = services.find((s) => s.id === preferredId);
  if (preferred && serviceFits(preferred, resource)) return preferred;
  return services.find((s) => serviceFits(s, resource)) ?? null;
}

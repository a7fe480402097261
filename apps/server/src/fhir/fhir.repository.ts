import type { Tx } from '../db/tx.js';
import { Prisma } from '../db/prisma.js';
import type { BranchRow, PatientRow, ResourceRow, ResourceKinds } from './resources.js';

// What the FHIR API reads beyond the services' own reads, inside the tenant's
// transaction (row-level security has the last word). Stateless: the tx first.

export interface AppointmentFilter {
  branchIds: readonly string[];
  from?: Date | undefined;
  to?: Date | undefined;
  patientId?: string | undefined;
  resourceId?: string | undefined;
  statuses?: readonly string[] | undefined;
  limit: number;
}

export interface PatientFilter {
  id?: string | undefined;
  nationalId?: string | undefined;
  name?: string | undefined;
  birthDate?: string | undefined;
  phone?: string | undefined;
  limit: number;
}

const patientSelect = { id: true, name: true, phone: true, email: true, dateOfBirth: true, sex: true, nationalId: true } as const;

export class FhirRepository {
  branches(tx: Tx, tenantId: string, ids: readonly string[]): Promise<BranchRow[]> {
    return tx.branch.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true, name: true, timeZone: true, address: true, phone: true, active: true }, orderBy: { name: 'asc' } });
  }

  /** Resources working at any of the branches, with the branches (of those) they work at. */
  async resources(tx: Tx, tenantId: string, branchIds: readonly string[], kind?: ResourceRow['kind']): Promise<ResourceRow[]> {
    const rows = await tx.resource.findMany({
      where: { tenantId, ...(kind ? { kind } : {}), branches: { some: { branchId: { in: [...branchIds] } } } },
      select: { id: true, name: true, kind: true, active: true, branches: { select: { branchId: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, active: r.active, branchIds: r.branches.map((b) => b.branchId).filter((b) => branchIds.includes(b)).sort() }));
  }

  services(tx: Tx, tenantId: string): Promise<{ id: string; name: string; durationMin: number; active: boolean }[]> {
    return tx.service.findMany({ where: { tenantId }, select: { id: true, name: true, durationMin: true, active: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  async resourceKinds(tx: Tx, tenantId: string, ids: readonly string[]): Promise<ResourceKinds> {
    if (ids.length === 0) return new Map();
    const rows = await tx.resource.findMany({ where: { tenantId, id: { in: [...new Set(ids)] } }, select: { id: true, kind: true, name: true } });
    return new Map(rows.map((r) => [r.id, { kind: r.kind, name: r.name }]));
  }

  async appointmentIds(tx: Tx, tenantId: string, f: AppointmentFilter): Promise<string[]> {
    const rows = await tx.appointment.findMany({
      where: {
        tenantId,
        branchId: { in: [...f.branchIds] },
        ...(f.from || f.to ? { startsAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
        ...(f.patientId ? { patientId: f.patientId } : {}),
        ...(f.resourceId ? { resources: { some: { resourceId: f.resourceId } } } : {}),
        ...(f.statuses ? { status: { in: f.statuses as never[] } } : {}),
      },
      select: { id: true },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: f.limit,
    });
    return rows.map((r) => r.id);
  }

  /** The occupied times of resources at a branch in [from, to), held or booked, buffers included. */
  busy(tx: Tx, tenantId: string, branchId: string, resourceIds: readonly string[], from: Date, to: Date): Promise<{ resourceId: string; startsAt: Date; endsAt: Date }[]> {
    if (resourceIds.length === 0) return Promise.resolve([]);
    return tx.$queryRaw`
      SELECT ar.resource_id::text AS "resourceId", ar.starts_at AS "startsAt", ar.ends_at AS "endsAt"
        FROM appointment_resource ar JOIN appointment a ON a.tenant_id = ar.tenant_id AND a.id = ar.appointment_id
       WHERE ar.tenant_id = ${tenantId}::uuid AND ar.active AND a.branch_id = ${branchId}::uuid
         AND ar.resource_id IN (${Prisma.join(resourceIds.map((id) => Prisma.sql`${id}::uuid`))})
         AND ar.starts_at < ${to} AND ar.ends_at > ${from}
       ORDER BY ar.starts_at`;
  }

  patients(tx: Tx, tenantId: string, f: PatientFilter): Promise<PatientRow[]> {
    const where: Prisma.PatientWhereInput = { tenantId, mergedIntoId: null };
    if (f.id) where.id = f.id;
    if (f.nationalId) where.nationalId = f.nationalId;
    if (f.name) where.name = { contains: f.name, mode: 'insensitive' };
    if (f.birthDate) where.dateOfBirth = new Date(`${f.birthDate}T00:00:00Z`);
    if (f.phone) where.OR = [{ phone: f.phone }, { otherPhones: { has: f.phone } }];
    return tx.patient.findMany({ where, select: patientSelect, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: f.limit });
  }

  /**
   * What changed since an instant, from the event log: branches, resources
   * (with the branch, when the event names one), and whether anything
   * tenant-wide (a service, a whole branch's setup) changed.
   */
  async changesSince(tx: Tx, tenantId: string, since: Date): Promise<{ types: string[]; branchIds: string[]; resourceIds: string[]; lastSeq: string | null }> {
    const rows = await tx.$queryRaw<{ types: string[] | null; branch_ids: string[] | null; resource_ids: string[] | null; last_seq: string | null }[]>`
      SELECT array_agg(DISTINCT type) AS types,
             array_agg(DISTINCT branch_id::text) FILTER (WHERE branch_id IS NOT NULL) AS branch_ids,
             array_agg(DISTINCT r) FILTER (WHERE r IS NOT NULL) AS resource_ids,
             max(seq)::text AS last_seq
        FROM event
        LEFT JOIN LATERAL (
          SELECT payload->>'resourceId' AS r
          UNION ALL SELECT payload->'timeOff'->>'resourceId'
          UNION ALL SELECT x->>'resourceId' FROM jsonb_array_elements(COALESCE(payload->'appointment'->'resources', '[]'::jsonb)) x
          UNION ALL SELECT x FROM jsonb_array_elements_text(COALESCE(payload->'from'->'resourceIds', '[]'::jsonb)) x
        ) rs ON true
       WHERE tenant_id = ${tenantId}::uuid AND created_at > ${since}`;
    const r = rows[0];
    return { types: r?.types ?? [], branchIds: r?.branch_ids ?? [], resourceIds: r?.resource_ids ?? [], lastSeq: r?.last_seq ?? null };
  }
}

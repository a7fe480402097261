import { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';
import { sessionSelect } from '../views/session.js';
import type { Occurrence } from './occurrences.js';

const templateSelect = {
  id: true,
  branchId: true,
  resourceId: true,
  name: true,
  weekdays: true,
  startMinute: true,
  endMinute: true,
  capacity: true,
  active: true,
  validFrom: true,
  validUntil: true,
} satisfies Prisma.SessionTemplateSelect;

export type TemplateRow = Prisma.SessionTemplateGetPayload<{ select: typeof templateSelect }>;

/** A template as generation needs it: with its tenant and its branch's zone. */
export interface GeneratingTemplate extends TemplateRow {
  tenantId: string;
  timeZone: string;
  /** Sessions are made only at an open branch. */
  branchActive: boolean;
}

export interface FutureSession {
  id: string;
  startsAt: Date;
  endsAt: Date;
  issued: number;
}

export interface TemplateData {
  name: string;
  resourceId: string | null;
  weekdays: number[];
  startMinute: number;
  endMinute: number;
  capacity: number;
  validFrom: Date;
  validUntil: Date | null;
}

// The SELECT list of a template row in raw queries, with the names Prisma gives it.
const TEMPLATE_COLUMNS = Prisma.raw(`t.id::text, t.tenant_id::text AS "tenantId", t.branch_id::text AS "branchId", t.resource_id::text AS "resourceId", t.name,
  t.weekdays::int[] AS weekdays, t.start_minute::int AS "startMinute", t.end_minute::int AS "endMinute", t.capacity, t.active,
  t.valid_from AS "validFrom", t.valid_until AS "validUntil", b.time_zone AS "timeZone", b.active AS "branchActive"`);

// Session templates and the capacity sessions made from them. Stateless; the
// client or transaction comes first. Templates are locked while their
// sessions are made, so a change and the daily job never interleave.
export class SessionsRepository {
  templates(db: Db | Tx, tenantId: string, branchIds: readonly string[]): Promise<TemplateRow[]> {
    return db.sessionTemplate.findMany({
      where: { tenantId, branchId: { in: [...branchIds] } },
      select: templateSelect,
      orderBy: [{ active: 'desc' }, { name: 'asc' }, { id: 'asc' }],
    });
  }

  async lockTemplate(tx: Tx, tenantId: string, templateId: string): Promise<GeneratingTemplate | null> {
    const rows = await tx.$queryRaw<GeneratingTemplate[]>`
      SELECT ${TEMPLATE_COLUMNS} FROM session_template t JOIN branch b ON b.tenant_id = t.tenant_id AND b.id = t.branch_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.id = ${templateId}::uuid FOR UPDATE OF t`;
    return rows[0] ?? null;
  }

  /** The tenant's active templates at open branches, locked in id order (the daily job). */
  lockActiveTemplates(tx: Tx, tenantId: string): Promise<GeneratingTemplate[]> {
    return tx.$queryRaw<GeneratingTemplate[]>`
      SELECT ${TEMPLATE_COLUMNS} FROM session_template t JOIN branch b ON b.tenant_id = t.tenant_id AND b.id = t.branch_id
       WHERE t.tenant_id = ${tenantId}::uuid AND t.active AND b.active ORDER BY t.id FOR UPDATE OF t`;
  }

  /** Tenants with an active template: the one thing the daily job asks across tenants (see the session_generation migration). */
  async templateTenants(db: Db): Promise<string[]> {
    const rows = await db.$queryRaw<{ id: string }[]>`SELECT t::text AS id FROM frontdesk_session_template_tenants() t`;
    return rows.map((r) => r.id);
  }

  branch(tx: Tx, tenantId: string, branchId: string): Promise<{ id: string; timeZone: string; active: boolean } | null> {
    return tx.branch.findFirst({ where: { tenantId, id: branchId }, select: { id: true, timeZone: true, active: true } });
  }

  resource(tx: Tx, tenantId: string, resourceId: string): Promise<{ id: string; name: string; branchIds: string[] } | null> {
    return tx.resource
      .findFirst({ where: { tenantId, id: resourceId }, select: { id: true, name: true, branches: { select: { branchId: true } } } })
      .then((r) => r && { id: r.id, name: r.name, branchIds: r.branches.map((b) => b.branchId) });
  }

  resourceNames(db: Db | Tx, tenantId: string, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
    return db.resource.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true, name: true } });
  }

  insertTemplate(tx: Tx, tenantId: string, branchId: string, data: TemplateData): Promise<{ id: string }> {
    return tx.sessionTemplate.create({ data: { tenantId, branchId, ...data }, select: { id: true } });
  }

  async updateTemplate(tx: Tx, templateId: string, data: Partial<TemplateData> & { active?: boolean }): Promise<void> {
    await tx.sessionTemplate.update({ where: { id: templateId }, data, select: { id: true } });
  }

  /** Makes these sessions of the template, each (template, start) at most once; returns how many were new. */
  async insertSessions(tx: Tx, t: GeneratingTemplate, sessions: readonly Occurrence[]): Promise<number> {
    if (sessions.length === 0) return 0;
    const starts = sessions.map((s) => s.startsAt.toISOString());
    const ends = sessions.map((s) => s.endsAt.toISOString());
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO capacity_session (tenant_id, branch_id, resource_id, name, starts_at, ends_at, capacity, template_id)
      SELECT ${t.tenantId}::uuid, ${t.branchId}::uuid, ${t.resourceId}::uuid, ${t.name}, o.starts_at, o.ends_at, ${t.capacity}::int, ${t.id}::uuid
        FROM unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) AS o(starts_at, ends_at)
      ON CONFLICT (tenant_id, template_id, starts_at) WHERE template_id IS NOT NULL DO NOTHING
      RETURNING id::text`;
    return rows.length;
  }

  /** The template's sessions that have not started yet, locked (a token drawn meanwhile waits, or is seen). */
  futureSessions(tx: Tx, tenantId: string, templateId: string, now: Date): Promise<FutureSession[]> {
    return tx.$queryRaw<FutureSession[]>`
      SELECT id::text, starts_at AS "startsAt", ends_at AS "endsAt", issued FROM capacity_session
       WHERE tenant_id = ${tenantId}::uuid AND template_id = ${templateId}::uuid AND starts_at > ${now}
       ORDER BY starts_at FOR UPDATE`;
  }

  /** Deletes those of these sessions no token was issued for; returns the ids deleted. */
  async deleteUnused(tx: Tx, tenantId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM capacity_session s
       WHERE s.tenant_id = ${tenantId}::uuid AND s.id = ANY (${[...ids]}::uuid[]) AND s.issued = 0
         AND NOT EXISTS (SELECT 1 FROM token k WHERE k.tenant_id = s.tenant_id AND k.session_id = s.id)
      RETURNING s.id::text`;
    return rows.map((r) => r.id);
  }

  /** Brings future sessions in line with their template: name, resource, end and capacity (never below the tokens issued). */
  async refresh(tx: Tx, tenantId: string, t: TemplateRow, sessions: readonly { id: string; endsAt: Date }[]): Promise<void> {
    if (sessions.length === 0) return;
    await tx.$executeRaw`
      UPDATE capacity_session s SET name = ${t.name}, resource_id = ${t.resourceId}::uuid, ends_at = o.ends_at,
             capacity = GREATEST(${t.capacity}::int, s.issued)
        FROM unnest(${sessions.map((x) => x.id)}::uuid[], ${sessions.map((x) => x.endsAt.toISOString())}::timestamptz[]) AS o(id, ends_at)
       WHERE s.tenant_id = ${tenantId}::uuid AND s.id = o.id`;
  }

  /** The next sessions of each template, soonest first, at most `perTemplate` each. */
  upcoming(db: Db | Tx, tenantId: string, templateIds: readonly string[], now: Date, perTemplate: number) {
    if (templateIds.length === 0) return Promise.resolve([]);
    return db.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM (
        SELECT s.id, row_number() OVER (PARTITION BY s.template_id ORDER BY s.starts_at) AS n
          FROM capacity_session s
         WHERE s.tenant_id = ${tenantId}::uuid AND s.template_id = ANY (${[...templateIds]}::uuid[]) AND s.ends_at > ${now}
      ) x WHERE x.n <= ${perTemplate}::int`.then((rows) =>
      db.capacitySession.findMany({
        where: { tenantId, id: { in: rows.map((r) => r.id) } },
        select: { ...sessionSelect, templateId: true },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      }),
    );
  }
}

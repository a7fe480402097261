import type { PatientSummary } from '@frontdesk/shared';
import type { Prisma } from '../db/prisma.js';
import type { Db, Tx } from '../db/tx.js';

const patientSelect = { id: true, name: true, phone: true, email: true, dateOfBirth: true } satisfies Prisma.PatientSelect;
export type PatientRow = Prisma.PatientGetPayload<{ select: typeof patientSelect }>;

export class PatientsRepository {
  /**
   * By phone digits (anywhere in the number) or by name prefix of any word.
   * The query is matched literally: LIKE's wildcards in it are escaped.
   */
  async search(db: Db, tenantId: string, query: string, limit: number): Promise<PatientSummary[]> {
    const digits = query.replace(/\D/g, '');
    const byPhone = digits.length >= 3;
    const prefix = escapeLike(query);
    const rows = await db.$queryRaw<PatientSummary[]>`
      SELECT id, name, phone FROM patient
       WHERE tenant_id = ${tenantId}::uuid
         AND (${byPhone} AND regexp_replace(phone, '\\D', '', 'g') LIKE '%' || ${digits} || '%'
              OR lower(name) LIKE lower(${prefix}) || '%' ESCAPE '\\'
              OR lower(name) LIKE '% ' || lower(${prefix}) || '%' ESCAPE '\\')
       ORDER BY name, id LIMIT ${limit}::int`;
    return rows;
  }

  create(tx: Tx, tenantId: string, data: { name: string; phone: string; email?: string | undefined; dateOfBirth?: string | undefined }): Promise<PatientRow> {
    return tx.patient.create({
      data: { tenantId, name: data.name, phone: data.phone, email: data.email ?? null, dateOfBirth: data.dateOfBirth ? new Date(`${data.dateOfBirth}T00:00:00Z`) : null },
      select: patientSelect,
    });
  }

  get(db: Db | Tx, tenantId: string, patientId: string): Promise<PatientRow | null> {
    return db.patient.findFirst({ where: { id: patientId, tenantId }, select: patientSelect });
  }
}

/** `text` as a LIKE pattern that matches only itself (backslash is the escape character). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

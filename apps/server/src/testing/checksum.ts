import type pg from 'pg';

// Rows that change on every call without changing clinic data: sessions,
// login attempts, and the log of who read a patient's record.
const SKIPPED_TABLES = new Set(['_prisma_migrations', 'staff_session', 'login_attempt']);

/**
 * A fingerprint of every table in the database: row count and md5 of all
 * rows. Equal fingerprints before and after a call mean it changed nothing.
 */
export async function databaseChecksum(sql: pg.Pool): Promise<Record<string, string>> {
  const tables = await sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts = tables.rows
    .filter((t) => !SKIPPED_TABLES.has(t.name))
    .map((t) => {
      const name = `"${t.name.replace(/"/g, '""')}"`;
      const where = t.name === 'event' ? ` WHERE r."type" <> 'patient.viewed'` : '';
      return `SELECT '${t.name.replace(/'/g, "''")}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') AS sum FROM ${name} r${where}`;
    });
  if (parts.length === 0) return {};
  const result = await sql.query<{ name: string; sum: string }>(parts.join(' UNION ALL '));
  return Object.fromEntries(result.rows.map((r) => [r.name, r.sum]));
}

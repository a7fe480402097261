import type { ApiClientView, ApiScope } from '@frontdesk/shared';
import type { Db, Tx } from '../db/tx.js';

// API clients, their branches and bearer tokens. The two lookups that run
// before any tenant is known go through their narrow cross-tenant functions
// (migration 20261123133000_api_clients); everything else in the tenant's transaction.

interface ClientRow {
  id: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  secretRotatedAt: Date | null;
  disabledAt: Date | null;
  staffId: string;
  sessionId: string;
  branchIds: string[];
}

export interface TokenActorRow {
  tenantId: string;
  clientId: string;
  name: string;
  scopes: string[];
  branchIds: string[];
  staffId: string;
  sessionId: string;
}

export const toClientView = (r: ClientRow): ApiClientView => ({
  id: r.id,
  name: r.name,
  branchIds: r.branchIds,
  scopes: r.scopes as ApiScope[],
  createdAt: r.createdAt.toISOString(),
  secretRotatedAt: r.secretRotatedAt?.toISOString() ?? null,
  disabledAt: r.disabledAt?.toISOString() ?? null,
});

export class ApiClientsRepository {
  async lookupClient(db: Db, clientId: string): Promise<{ tenantId: string; secretHash: string } | null> {
    const rows = await db.$queryRaw<{ tenant_id: string; secret_hash: string }[]>`SELECT tenant_id::text, secret_hash FROM frontdesk_api_client_lookup(${clientId}::uuid)`;
    return rows[0] ? { tenantId: rows[0].tenant_id, secretHash: rows[0].secret_hash } : null;
  }

  async tokenActor(db: Db, tokenHash: string, now: Date): Promise<TokenActorRow | null> {
    const rows = await db.$queryRaw<TokenActorRow[]>`SELECT * FROM frontdesk_api_token_actor(${tokenHash}, ${now}::timestamptz)`;
    return rows[0] ?? null;
  }

  async clients(tx: Tx, tenantId: string, clientId?: string): Promise<ClientRow[]> {
    const rows = await tx.apiClient.findMany({
      where: { tenantId, ...(clientId ? { id: clientId } : {}) },
      select: { id: true, name: true, scopes: true, createdAt: true, secretRotatedAt: true, disabledAt: true, staffId: true, sessionId: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const branches = await tx.apiClientBranch.findMany({ where: { tenantId, clientId: { in: rows.map((r) => r.id) } }, select: { clientId: true, branchId: true } });
    return rows.map((r) => ({ ...r, branchIds: branches.filter((b) => b.clientId === r.id).map((b) => b.branchId).sort() }));
  }

  async tenantBranchIds(tx: Tx, tenantId: string, ids: readonly string[]): Promise<string[]> {
    const rows = await tx.branch.findMany({ where: { tenantId, id: { in: [...ids] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /** The client's own account (disabled, no usable password: it never signs in) and its hold session. */
  async createAccount(tx: Tx, tenantId: string, a: { clientId: string; name: string; sessionTokenHash: string; sessionExpiresAt: Date }): Promise<{ staffId: string; sessionId: string }> {
    const staff = await tx.staff.create({
      data: { tenantId, email: `api-client-${a.clientId}@api-clients.frontdesk.invalid`, name: a.name, role: 'CALL_CENTRE', passwordHash: '!', disabled: true },
      select: { id: true },
    });
    const session = await this.newSession(tx, staff.id, a.name, a.sessionTokenHash, a.sessionExpiresAt);
    return { staffId: staff.id, sessionId: session };
  }

  async newSession(tx: Tx, staffId: string, desk: string, tokenHash: string, expiresAt: Date): Promise<string> {
    const s = await tx.staffSession.create({ data: { staffId, tokenHash, desk, expiresAt }, select: { id: true } });
    return s.id;
  }

  async insert(tx: Tx, c: { tenantId: string; id: string; name: string; secretHash: string; scopes: string[]; staffId: string; sessionId: string; createdBy: string; branchIds: string[] }): Promise<void> {
    await tx.apiClient.create({ data: { tenantId: c.tenantId, id: c.id, name: c.name, secretHash: c.secretHash, scopes: c.scopes, staffId: c.staffId, sessionId: c.sessionId, createdBy: c.createdBy }, select: { id: true } });
    await tx.apiClientBranch.createMany({ data: c.branchIds.map((branchId) => ({ tenantId: c.tenantId, clientId: c.id, branchId })) });
  }

  async setSecret(tx: Tx, tenantId: string, clientId: string, secretHash: string, now: Date): Promise<void> {
    await tx.apiClient.updateMany({ where: { tenantId, id: clientId }, data: { secretHash, secretRotatedAt: now } });
    await this.dropTokens(tx, tenantId, clientId);
  }

  /** Disabled: tokens gone, its hold session ended (the sweeper lets its holds go). */
  async disable(tx: Tx, tenantId: string, client: { id: string; sessionId: string }, now: Date): Promise<void> {
    await tx.apiClient.updateMany({ where: { tenantId, id: client.id }, data: { disabledAt: now } });
    await tx.staffSession.updateMany({ where: { tenantId, id: client.sessionId, revokedAt: null }, data: { revokedAt: now } });
    await this.dropTokens(tx, tenantId, client.id);
  }

  async enable(tx: Tx, tenantId: string, clientId: string, sessionId: string): Promise<void> {
    await tx.apiClient.updateMany({ where: { tenantId, id: clientId }, data: { disabledAt: null, sessionId } });
  }

  dropTokens(tx: Tx, tenantId: string, clientId: string) {
    return tx.apiClientToken.deleteMany({ where: { tenantId, clientId } });
  }

  /** A new token; the client's tokens that ran out are cleared on the way. */
  async addToken(tx: Tx, tenantId: string, clientId: string, tokenHash: string, now: Date, expiresAt: Date): Promise<void> {
    await tx.apiClientToken.deleteMany({ where: { tenantId, clientId, expiresAt: { lte: now } } });
    await tx.apiClientToken.create({ data: { tenantId, clientId, tokenHash, expiresAt }, select: { id: true } });
  }
}

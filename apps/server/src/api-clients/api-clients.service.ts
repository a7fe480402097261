import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { DomainError, type ApiClientSecret, type ApiClientView, type ApiScope, type apiClientCreateInput } from '@frontdesk/shared';
import type { Actor } from '../auth/scope.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents } from '../sync/append.js';
import { toClientView, type ApiClientsRepository } from './api-clients.repository.js';

/** How long a bearer token lives: a system asks for a new one with its credentials. */
export const TOKEN_SECONDS = 15 * 60;
/** The client's hold session lasts as long as the client is enabled (disabling ends it). */
const SESSION_YEARS = 100;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(`frontdesk api client:${secret}`).digest('hex');
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(`frontdesk api token:${token}`).digest('hex');
}

/** The system behind a bearer token: an actor like a desk's (its desk is its name), with what it may do. */
export interface ApiCaller {
  actor: Actor;
  clientId: string;
  scopes: ReadonlySet<ApiScope>;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

/**
 * API clients: registered by an admin (name, branches, scopes), with a secret
 * shown once; the token endpoint exchanges the credentials for a short-lived
 * bearer token, and each API request finds its caller by that token.
 */
export class ApiClientsService {
  constructor(
    private readonly db: Db,
    private readonly repo: ApiClientsRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(actor: Actor): Promise<ApiClientView[]> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => (await this.repo.clients(tx, actor.tenantId)).map(toClientView));
  }

  create(actor: Actor, input: z.output<typeof apiClientCreateInput>): Promise<ApiClientSecret> {
    const secret = newSecret();
    const id = randomUUID();
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const branchIds = [...new Set(input.branchIds)];
      const known = await this.repo.tenantBranchIds(tx, actor.tenantId, branchIds);
      if (known.length !== branchIds.length) throw new DomainError('BAD_INPUT', 'One of the branches does not exist.', { field: 'branchIds' });
      const account = await this.repo.createAccount(tx, actor.tenantId, { clientId: id, name: input.name, sessionTokenHash: hashApiToken(newSecret()), sessionExpiresAt: this.sessionEnd() });
      await this.repo.insert(tx, { tenantId: actor.tenantId, id, name: input.name, secretHash: hashSecret(secret), scopes: input.scopes, ...account, createdBy: actor.staffId, branchIds });
      const client = await this.changed(tx, actor, id, 'created');
      return { client, clientId: id, clientSecret: secret };
    });
  }

  /** A new secret; the old one and every token issued with it stop working at once. */
  rotate(actor: Actor, clientId: string): Promise<ApiClientSecret> {
    const secret = newSecret();
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.client(tx, actor, clientId);
      await this.repo.setSecret(tx, actor.tenantId, clientId, hashSecret(secret), this.now());
      const client = await this.changed(tx, actor, clientId, 'rotated');
      return { client, clientId, clientSecret: secret };
    });
  }

  setDisabled(actor: Actor, clientId: string, disabled: boolean): Promise<ApiClientView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const current = await this.client(tx, actor, clientId);
      if ((current.disabledAt !== null) === disabled) return toClientView(current);
      if (disabled) await this.repo.disable(tx, actor.tenantId, current, this.now());
      else await this.repo.enable(tx, actor.tenantId, clientId, await this.repo.newSession(tx, current.staffId, current.name, hashApiToken(newSecret()), this.sessionEnd()));
      return this.changed(tx, actor, clientId, disabled ? 'disabled' : 'enabled');
    });
  }

  /** client_credentials: the client's id and secret for a bearer token, or null (the caller answers invalid_client). */
  async issueToken(clientId: string, secret: string): Promise<IssuedToken | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) return null;
    const found = await this.repo.lookupClient(this.db, clientId);
    if (!found || !sameHash(found.secretHash, hashSecret(secret))) return null;
    const token = newSecret();
    const now = this.now();
    const scopes = await inTransaction(this.db, { tenantId: found.tenantId }, async (tx) => {
      await this.repo.addToken(tx, found.tenantId, clientId, hashApiToken(token), now, new Date(now.getTime() + TOKEN_SECONDS * 1000));
      return (await this.repo.clients(tx, found.tenantId, clientId))[0]?.scopes ?? [];
    });
    return { access_token: token, token_type: 'bearer', expires_in: TOKEN_SECONDS, scope: scopes.join(' ') };
  }

  async authenticate(token: string): Promise<ApiCaller | null> {
    const row = await this.repo.tokenActor(this.db, hashApiToken(token), this.now());
    if (!row) return null;
    return {
      clientId: row.clientId,
      scopes: new Set(row.scopes as ApiScope[]),
      // Role CALL_CENTRE for the services' own checks; what the system may do is its scopes, where it may, its branches.
      actor: { staffId: row.staffId, tenantId: row.tenantId, role: 'CALL_CENTRE', name: row.name, branchIds: row.branchIds, sessionId: row.sessionId, desk: row.name, mustChangePassword: false },
    };
  }

  private async client(tx: Tx, actor: Actor, clientId: string) {
    const [row] = await this.repo.clients(tx, actor.tenantId, clientId);
    if (!row) throw notFound('api client');
    return row;
  }

  private async changed(tx: Tx, actor: Actor, clientId: string, change: 'created' | 'rotated' | 'disabled' | 'enabled'): Promise<ApiClientView> {
    const row = (await this.repo.clients(tx, actor.tenantId, clientId))[0]!;
    await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
      { type: 'api_client.changed', tenantId: actor.tenantId, branchId: null, aggregateId: clientId, payload: { clientId, name: row.name, change } },
    ]);
    return toClientView(row);
  }

  private sessionEnd(): Date {
    const end = new Date(this.now());
    end.setUTCFullYear(end.getUTCFullYear() + SESSION_YEARS);
    return end;
  }
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

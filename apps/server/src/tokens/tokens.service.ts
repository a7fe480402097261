import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { DomainError, type CapacitySessionView, type TokenView, type issueTokenInput } from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import { notFound } from '../errors.js';
import { isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { IDEMPOTENCY_KEY_CONSTRAINT, tokenClaim, type IdempotencyClaim } from '../idempotency/idempotency.js';
import type { IdempotencyService } from '../idempotency/idempotency.service.js';
import { appendEvents } from '../sync/append.js';
import { toSessionView } from '../views/session.js';
import type { TokensRepository } from './tokens.repository.js';

type TokenInput = z.output<typeof issueTokenInput>;

export interface IssuedToken {
  token: TokenView;
  session: CapacitySessionView;
}

/** Queue tokens of a capacity session (an OPD with 30 tokens): numbers 1..capacity, one live token per patient. */
export class TokensService {
  constructor(
    private readonly db: Db,
    private readonly repo: TokensRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  async issue(actor: Actor, input: TokenInput): Promise<IssuedToken> {
    const session = await inTransaction(this.db, { tenantId: actor.tenantId }, (tx) => this.repo.session(tx, actor.tenantId, input.sessionId));
    // Another branch's session is as unknown as one that does not exist.
    if (!session || !mayActIn(actor, session.branchId)) throw notFound('session');
    const claim = input.idempotencyKey ? tokenClaim(input.idempotencyKey, input) : null;
    const replayed = claim && (await this.replayed(actor, claim));
    if (replayed) return replayed;
    const keep = (tx: Tx, tokenId: string) => (claim ? this.idempotency.keep(tx, actor, claim, { branchId: session.branchId, tokenId }) : Promise.resolve());
    try {
      return await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
        // The patient already holds a live token: that one stands (and the key now names it).
        const existing = await this.repo.liveToken(tx, session.id, input.patientId);
        if (existing) {
          await keep(tx, existing.id);
          return this.result(tx, actor, existing.id);
        }
        const id = randomUUID();
        await keep(tx, id);
        const number = await this.repo.drawToken(tx, actor.tenantId, session.id, actor.branchIds);
        if (number === null) {
          const next = await this.repo.nextSessionWithRoom(tx, actor.tenantId, session);
          throw new DomainError('CAPACITY_FULL', `All ${session.capacity} tokens of ${session.name} are taken.`, {
            sessionId: session.id,
            capacity: session.capacity,
            nextSession: next ? { id: next.id, name: next.name, startsAt: next.startsAt.toISOString(), remaining: next.remaining } : null,
          });
        }
        const row = await this.repo.insertToken(tx, { id, tenantId: actor.tenantId, sessionId: session.id, number, patientId: input.patientId, issuedBy: actor.staffId });
        const token: TokenView = { id: row.id, sessionId: session.id, number, patientId: input.patientId, status: 'ISSUED', createdAt: row.createdAt.toISOString() };
        const view = toSessionView({ ...session, issued: number });
        await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
          { type: 'token.issued', tenantId: actor.tenantId, branchId: session.branchId, aggregateId: session.id, patientId: input.patientId, payload: { token, session: view } },
        ]);
        return { token, session: view };
      });
    } catch (error) {
      // The same key sent twice at once: the first one's token, or a refusal.
      if (claim && isUniqueViolation(error, IDEMPOTENCY_KEY_CONSTRAINT)) {
        const earlier = await this.replayed(actor, claim);
        if (earlier) return earlier;
      }
      // The same patient asked twice at once (under different keys): the first token stands.
      if (isUniqueViolation(error, 'token_session_id_patient_id_live_key')) {
        const token = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
          const live = await this.repo.liveToken(tx, session.id, input.patientId);
          return live && this.result(tx, actor, live.id);
        });
        if (token) return token;
      }
      throw error;
    }
  }

  /** A token as it is now, with its session. */
  private async result(tx: Tx, actor: Actor, tokenId: string): Promise<IssuedToken> {
    const token = await this.repo.token(tx, actor.tenantId, tokenId);
    const session = token && (await this.repo.session(tx, actor.tenantId, token.sessionId));
    if (!token || !session) throw notFound('token');
    return {
      token: { id: token.id, sessionId: token.sessionId, number: token.number, patientId: token.patientId, status: token.status, createdAt: token.createdAt.toISOString() },
      session: toSessionView(session),
    };
  }

  private replayed(actor: Actor, claim: IdempotencyClaim): Promise<IssuedToken | null> {
    return this.idempotency.earlier(actor, claim, async (tx, r) => (r.tokenId ? this.result(tx, actor, r.tokenId) : null));
  }
}

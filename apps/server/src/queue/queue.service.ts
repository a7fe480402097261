import type { z } from 'zod';
import {
  DomainError,
  type attachPatientInput,
  type callNextInput,
  type QueueState,
  type QueueTokenView,
  type QueueView,
  type recallInput,
  type skipInput,
  type TokenView,
  type walkInTokenInput,
} from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import { isUniqueViolation } from '../db/errors.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents, type AnyNewEvent } from '../sync/append.js';
import type { TokensRepository } from '../tokens/tokens.repository.js';
import { toSessionView } from '../views/session.js';
import type { QueueRepository, QueueSessionRow } from './queue.repository.js';

const STATE_WORDS: Record<QueueState, string> = { WAITING: 'is still waiting', CALLED: 'is being served', SERVED: 'has been served', SKIPPED: 'was skipped' };

/** The walk-in queue of a capacity session: call next, recall, skip, served, and walk-ins by name. */
export class QueueService {
  constructor(
    private readonly db: Db,
    private readonly repo: QueueRepository,
    private readonly tokens: TokensRepository,
  ) {}

  async queue(actor: Actor, sessionId: string): Promise<QueueView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => this.view(tx, actor, await this.sessionOf(tx, actor, sessionId)));
  }

  /** The lowest waiting token, to this counter; the counter's previous token is served. Null when nobody waits. */
  async callNext(actor: Actor, input: z.output<typeof callNextInput>): Promise<{ called: QueueTokenView | null; queue: QueueView }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const session = await this.sessionOf(tx, actor, input.sessionId);
      const finished = await this.repo.finishCounter(tx, actor.tenantId, session.id, input.counter);
      const next = await this.repo.takeNextWaiting(tx, actor.tenantId, session.id);
      if (next) await this.repo.call(tx, actor.tenantId, next, input.counter, actor.staffId);
      const events: AnyNewEvent[] = [];
      for (const id of finished) events.push(await this.event(tx, actor, session, 'token.served', id, {}));
      if (next) events.push(await this.event(tx, actor, session, 'token.called', next, { recall: false }));
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, events);
      return { called: next ? await this.repo.token(tx, actor.tenantId, next) : null, queue: await this.view(tx, actor, session) };
    });
  }

  /** Calls the same token again (it did not come up), or brings back one that was skipped out. */
  recall(actor: Actor, input: z.output<typeof recallInput>) {
    return this.change(actor, input.tokenId, ['CALLED', 'SKIPPED'], async (tx, token, session) => {
      const counter = input.counter ?? token.counter;
      if (!counter) throw new DomainError('BAD_INPUT', 'Say which counter or practitioner is calling.', { field: 'counter' });
      await this.repo.call(tx, actor.tenantId, token.id, counter, actor.staffId);
      return this.event(tx, actor, session, 'token.called', token.id, { recall: true });
    });
  }

  skip(actor: Actor, input: z.output<typeof skipInput>) {
    const from: QueueState[] = input.to === 'back' ? ['CALLED', 'WAITING', 'SKIPPED'] : ['CALLED', 'WAITING'];
    return this.change(actor, input.tokenId, from, async (tx, token, session) => {
      await this.repo.skip(tx, actor.tenantId, token.id, session.id, input.to);
      return this.event(tx, actor, session, 'token.skipped', token.id, { to: input.to });
    });
  }

  markServed(actor: Actor, tokenId: string) {
    return this.change(actor, tokenId, ['CALLED'], async (tx, token, session) => {
      await this.repo.served(tx, actor.tenantId, token.id);
      return this.event(tx, actor, session, 'token.served', token.id, {});
    });
  }

  /** A token for a walk-in known by name only; a patient record is attached later. */
  async issueWalkIn(actor: Actor, input: z.output<typeof walkInTokenInput>): Promise<{ token: TokenView; queue: QueueView }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const session = await this.sessionOf(tx, actor, input.sessionId);
      const number = await this.tokens.drawToken(tx, actor.tenantId, session.id, actor.branchIds);
      if (number === null) {
        throw new DomainError('CAPACITY_FULL', `All ${session.capacity} tokens of ${session.name} are taken.`, { sessionId: session.id, capacity: session.capacity, nextSession: null });
      }
      const row = await this.repo.insertWalkIn(tx, { tenantId: actor.tenantId, sessionId: session.id, number, name: input.name, issuedBy: actor.staffId });
      const token: TokenView = { id: row.id, sessionId: session.id, number, patientId: null, walkInName: input.name, status: 'ISSUED', createdAt: row.createdAt.toISOString() };
      const full = await this.tokens.session(tx, actor.tenantId, session.id);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'token.issued', tenantId: actor.tenantId, branchId: session.branchId, aggregateId: session.id, payload: { token, session: toSessionView(full!) } },
      ]);
      return { token, queue: await this.view(tx, actor, { ...session, issued: number }) };
    });
  }

  /** Completes a walk-in: the token now belongs to a registered patient. */
  async attachPatient(actor: Actor, input: z.output<typeof attachPatientInput>) {
    try {
      return await this.change(actor, input.tokenId, ['WAITING', 'CALLED', 'SERVED', 'SKIPPED'], async (tx, token, session) => {
        if (token.patientId !== null) throw new DomainError('INVALID_STATE', 'This token already belongs to a patient.', { status: 'ATTACHED' });
        if (!(await this.repo.patientExists(tx, actor.tenantId, input.patientId))) throw notFound('patient');
        await this.repo.attachPatient(tx, actor.tenantId, token.id, input.patientId);
        return this.event(tx, actor, session, 'token.patient_attached', token.id, {}, input.patientId);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'token_session_id_patient_id_live_key')) {
        throw new DomainError('INVALID_STATE', 'This patient already has a token in this session.', { status: 'HAS_TOKEN' });
      }
      throw error;
    }
  }

  /** Locks a live token, checks it may make this move, runs it and appends its event. */
  private change(
    actor: Actor,
    tokenId: string,
    from: QueueState[],
    work: (tx: Tx, token: NonNullable<Awaited<ReturnType<QueueRepository['lockToken']>>>, session: QueueSessionRow) => Promise<AnyNewEvent>,
  ): Promise<{ token: QueueTokenView; queue: QueueView }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const token = await this.repo.lockToken(tx, actor.tenantId, tokenId);
      // Another branch's token is as unknown as one that does not exist.
      if (!token || !mayActIn(actor, token.branchId)) throw notFound('token');
      if (!from.includes(token.state)) {
        const number = (await this.repo.token(tx, actor.tenantId, token.id))!.number;
        throw new DomainError('INVALID_STATE', `Token ${number} ${STATE_WORDS[token.state]}.`, { status: token.state });
      }
      const session = (await this.repo.session(tx, actor.tenantId, token.sessionId))!;
      const event = await work(tx, token, session);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [event]);
      return { token: (await this.repo.token(tx, actor.tenantId, token.id))!, queue: await this.view(tx, actor, session) };
    });
  }

  private async sessionOf(tx: Tx, actor: Actor, sessionId: string): Promise<QueueSessionRow> {
    const session = await this.repo.session(tx, actor.tenantId, sessionId);
    if (!session || !mayActIn(actor, session.branchId)) throw notFound('session');
    return session;
  }

  private async event<T extends 'token.called' | 'token.skipped' | 'token.served' | 'token.patient_attached'>(
    tx: Tx,
    actor: Actor,
    session: QueueSessionRow,
    type: T,
    tokenId: string,
    extra: object,
    patientId?: string,
  ): Promise<AnyNewEvent> {
    const token = (await this.repo.token(tx, actor.tenantId, tokenId))!;
    return {
      type,
      tenantId: actor.tenantId,
      branchId: session.branchId,
      aggregateId: session.id,
      patientId: patientId ?? token.patientId,
      payload: { token, sessionId: session.id, ...extra },
    } as AnyNewEvent;
  }

  private async view(tx: Tx, actor: Actor, session: QueueSessionRow): Promise<QueueView> {
    const tokens = await this.repo.tokens(tx, actor.tenantId, session.id);
    const of = (state: QueueState) => tokens.filter((t) => t.state === state);
    return {
      sessionId: session.id,
      branchId: session.branchId,
      name: session.name,
      capacity: session.capacity,
      issued: session.issued,
      nowServing: of('CALLED').sort((a, b) => (b.calledAt ?? '').localeCompare(a.calledAt ?? '')),
      waiting: of('WAITING'),
      skipped: of('SKIPPED'),
      served: of('SERVED').length,
    };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { CreatedDisplayLink, DisplayLinkView, DisplayState, displayLinkCreateInput } from '@frontdesk/shared';
import { mayActIn, type Actor } from '../auth/scope.js';
import { inTransaction, type Db } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents } from '../sync/append.js';
import type { DisplayRepository } from './display.repository.js';

/** How many waiting numbers the waiting room sees per session. */
const NEXT_COUNT = 5;
export const DISPLAY_PREFIX = '/display/';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(`frontdesk display:${secret}`).digest('hex');
}

/** Waiting-room displays: a branch's link (secret shown once, stored hashed, revocable) and what its page shows. */
export class DisplayService {
  constructor(
    private readonly db: Db,
    private readonly repo: DisplayRepository,
    private readonly now: () => Date,
  ) {}

  async create(actor: Actor, input: z.output<typeof displayLinkCreateInput>): Promise<CreatedDisplayLink> {
    if (!mayActIn(actor, input.branchId)) throw notFound('branch');
    const secret = randomBytes(32).toString('base64url');
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      if (!(await this.repo.settings(tx, actor.tenantId, input.branchId))) throw notFound('branch');
      const link = await this.repo.create(tx, { tenantId: actor.tenantId, branchId: input.branchId, name: input.name, secretHash: hashSecret(secret), createdBy: actor.staffId });
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'display.changed', tenantId: actor.tenantId, branchId: input.branchId, aggregateId: link.id, payload: { change: 'created', linkId: link.id } },
      ]);
      return { link, path: `${DISPLAY_PREFIX}${secret}` };
    });
  }

  async revoke(actor: Actor, linkId: string): Promise<DisplayLinkView> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const link = await this.repo.link(tx, actor.tenantId, linkId);
      if (!link || !mayActIn(actor, link.branchId)) throw notFound('display');
      await this.repo.revoke(tx, actor.tenantId, linkId);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'display.changed', tenantId: actor.tenantId, branchId: link.branchId, aggregateId: link.id, payload: { change: 'revoked', linkId: link.id } },
      ]);
      return (await this.repo.link(tx, actor.tenantId, linkId))!;
    });
  }

  async links(actor: Actor, branchId: string): Promise<{ links: DisplayLinkView[]; firstNames: boolean }> {
    if (!mayActIn(actor, branchId)) throw notFound('branch');
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const settings = await this.repo.settings(tx, actor.tenantId, branchId);
      if (!settings) throw notFound('branch');
      return { links: await this.repo.links(tx, actor.tenantId, branchId), firstNames: settings.firstNames };
    });
  }

  async setFirstNames(actor: Actor, on: boolean): Promise<{ firstNames: boolean }> {
    return inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.repo.setFirstNames(tx, actor.tenantId, on);
      await appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
        { type: 'display.changed', tenantId: actor.tenantId, branchId: null, aggregateId: null, payload: { change: 'first_names', firstNames: on } },
      ]);
      return { firstNames: on };
    });
  }

  /** The board behind a display secret, or null for an unknown or revoked link. Only that link's branch is read. */
  async state(secret: string): Promise<DisplayState | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const found = await this.repo.lookup(this.db, hashSecret(secret));
    if (!found) return null;
    return inTransaction(this.db, { tenantId: found.tenantId }, async (tx) => {
      const settings = await this.repo.settings(tx, found.tenantId, found.branchId);
      if (!settings) return null;
      const rows = await this.repo.board(tx, found.tenantId, found.branchId, this.now(), settings.firstNames, NEXT_COUNT);
      const sessions = new Map<string, DisplayState['sessions'][number]>();
      for (const r of rows) {
        let s = sessions.get(r.sessionId);
        if (!s) sessions.set(r.sessionId, (s = { id: r.sessionId, name: r.sessionName, nowServing: [], next: [] }));
        const firstName = settings.firstNames && r.name ? r.name : null;
        if (r.state === 'CALLED') s.nowServing.push({ number: r.number, counter: r.counter ?? '', firstName });
        else s.next.push({ number: r.number, firstName });
      }
      return { branchName: settings.branchName, sessions: [...sessions.values()] };
    });
  }
}

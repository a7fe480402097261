import { randomUUID } from 'node:crypto';
import { DomainError, type firstRunCreateInput } from '@frontdesk/shared';
import type { z } from 'zod';
import type { AuthService, SignedIn } from '../auth/auth.service.js';
import { hashPassword } from '../auth/password.js';
import { forbidden } from '../errors.js';
import { inTransaction, type Db } from '../db/tx.js';
import { appendEvents } from '../sync/append.js';
import type { FirstRunRepository } from './firstrun.repository.js';
import { newSetupCode, setupCodeHash } from './setup-code.js';

/** Where the request came from: this machine itself (loopback, through no proxy), or anywhere else. */
export interface FirstRunAccess {
  local: boolean;
}

export interface FirstRunStatus {
  /** No organisation exists yet: the desk offers the first run instead of signing in. */
  needsSetup: boolean;
  /** From where this request came, the first run needs the setup code from the server's log. */
  codeRequired: boolean;
}

type CreateInput = z.output<typeof firstRunCreateInput>;

function alreadySetUp(): DomainError<'FORBIDDEN'> {
  return forbidden('This server already has its organisation. Sign in instead.');
}

/**
 * The first run of an empty server: the organisation, its first branch and
 * its first admin, made once, from the server's own machine or with the
 * one-time setup code; the admin is signed in at once.
 */
export class FirstRunService {
  constructor(
    private readonly db: Db,
    private readonly repo: FirstRunRepository,
    private readonly auth: AuthService,
  ) {}

  async status(access: FirstRunAccess): Promise<FirstRunStatus> {
    const needsSetup = await this.repo.open(this.db);
    return { needsSetup, codeRequired: needsSetup && !access.local };
  }

  /**
   * A new setup code for this process to print while no organisation exists
   * (null once one does). Every code printed by any process is accepted until
   * the first run uses one.
   */
  async setupCodeIfNeeded(): Promise<string | null> {
    const code = newSetupCode();
    return (await this.repo.addSetupCode(this.db, setupCodeHash(code))) ? code : null;
  }

  async create(input: CreateInput, access: FirstRunAccess): Promise<SignedIn> {
    if (!(await this.repo.open(this.db))) throw alreadySetUp();
    if (!access.local) {
      if (!input.setupCode?.trim()) {
        throw forbidden("A new clinic is set up on the server's own machine, or with the setup code printed in the server's log.");
      }
      if (!(await this.repo.setupCodeValid(this.db, setupCodeHash(input.setupCode)))) {
        throw new DomainError('BAD_INPUT', "That setup code is not right. Copy it from the server's log.", { field: 'setupCode' });
      }
    }
    const passwordHash = await hashPassword(input.adminPassword);
    // Ids made here: the transaction sets the new tenant as its scope before the tenant row exists.
    const tenantId = randomUUID();
    const branch = { id: randomUUID(), name: input.branchName, timeZone: input.timeZone, address: input.address, phone: input.phone };
    const admin = { id: randomUUID(), name: input.adminName, email: input.adminEmail.toLowerCase(), passwordHash };
    await inTransaction(this.db, { tenantId }, async (tx) => {
      if (!(await this.repo.claim(tx))) throw alreadySetUp();
      await this.repo.createOrganisation(tx, { tenantId, name: input.organisationName, branch, admin });
      await appendEvents(tx, { actorId: admin.id, desk: input.desk }, [
        { type: 'organisation.created', tenantId, branchId: null, aggregateId: tenantId, payload: { name: input.organisationName } },
        { type: 'branch.changed', tenantId, branchId: branch.id, aggregateId: branch.id, payload: { branchId: branch.id, change: 'created' } },
        { type: 'staff.changed', tenantId, branchId: null, aggregateId: admin.id, payload: { staffId: admin.id, change: 'created', role: 'ADMIN', branchIds: [] } },
      ]);
    });
    return this.auth.openSession({ id: admin.id, tenantId, name: admin.name, email: admin.email, role: 'ADMIN', branches: [] }, input.desk);
  }
}

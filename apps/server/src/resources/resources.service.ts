import type { z } from 'zod';
import {
  nextResourceColour,
  type ResourceKind,
  type ResourceSetupView,
  type resourceCreateInput,
  type resourceSetActiveInput,
  type resourceSetBranchesInput,
  type resourceUpdateInput,
} from '@frontdesk/shared';
import { NOTHING_SETTLED, type AffectedAppointments, type Settled } from '../affected/affected.js';
import type { Actor } from '../auth/scope.js';
import type { CatalogueCache } from '../availability/catalogue-cache.js';
import { inTransaction, type Db, type Tx } from '../db/tx.js';
import { notFound } from '../errors.js';
import { appendEvents } from '../sync/append.js';
import type { ResourceRow, ResourcesRepository } from './resources.repository.js';

type Change = 'created' | 'updated' | 'branches' | 'deactivated' | 'activated';

const toView = (row: ResourceRow): ResourceSetupView => ({ ...row, branchIds: row.branches.map((b) => b.branchId) });

// Practitioners, rooms, chairs and devices (admin). Each command is one
// transaction that settles the appointments it would break, appends
// `resource.changed` (at no branch: a resource may work at several), and
// tells the catalogue cache so slot searches see it at once.
export class ResourcesService {
  constructor(
    private readonly db: Db,
    private readonly repo: ResourcesRepository,
    private readonly affected: Pick<AffectedAppointments, 'settle'>,
    private readonly catalogues: CatalogueCache,
    private readonly now: () => Date,
  ) {}

  /** Every resource of the clinic, active or not, with its branches. */
  async list(actor: Actor): Promise<ResourceSetupView[]> {
    return (await this.repo.list(this.db, actor.tenantId)).map(toView);
  }

  async create(actor: Actor, input: z.output<typeof resourceCreateInput>): Promise<{ resource: ResourceSetupView }> {
    const resource = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      await this.assertBranches(tx, actor.tenantId, input.branchIds);
      const colour = input.colour ?? nextResourceColour(await this.repo.coloursInUse(tx, actor.tenantId));
      const id = await this.repo.create(tx, { tenantId: actor.tenantId, kind: input.kind, name: input.name, tags: input.tags, colour });
      await this.join(tx, actor.tenantId, { id, kind: input.kind }, input.branchIds);
      await this.changed(tx, actor, id, 'created');
      return toView((await this.repo.get(tx, actor.tenantId, id))!);
    });
    this.catalogues.invalidate(actor.tenantId);
    return { resource };
  }

  /**
   * Name, tags and colour. Appointments already booked stay as they are when
   * tags change; the new tags decide what it is offered for from now on.
   */
  async update(actor: Actor, input: z.output<typeof resourceUpdateInput>): Promise<{ resource: ResourceSetupView }> {
    const resource = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      if (!(await this.repo.lock(tx, actor.tenantId, input.resourceId))) throw notFound('resource');
      await this.repo.update(tx, input.resourceId, { name: input.name, tags: input.tags, colour: input.colour });
      await this.changed(tx, actor, input.resourceId, 'updated');
      return toView((await this.repo.get(tx, actor.tenantId, input.resourceId))!);
    });
    this.catalogues.invalidate(actor.tenantId);
    return { resource };
  }

  /**
   * The branches it works at. Leaving one drops its weekly hours there and
   * settles its appointments there from now on; joining one is as on create.
   */
  async setBranches(actor: Actor, input: z.output<typeof resourceSetBranchesInput>): Promise<{ resource: ResourceSetupView; settled: Settled }> {
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const before = await this.repo.lock(tx, actor.tenantId, input.resourceId);
      if (!before) throw notFound('resource');
      await this.assertBranches(tx, actor.tenantId, input.branchIds);
      const current = new Set(before.branches.map((b) => b.branchId));
      const wanted = new Set(input.branchIds);
      const removed = [...current].filter((b) => !wanted.has(b));
      const added = [...wanted].filter((b) => !current.has(b));
      if (removed.length === 0 && added.length === 0) return { resource: toView(before), settled: { ...NOTHING_SETTLED } };
      await this.repo.removeBranches(tx, actor.tenantId, before.id, removed);
      await this.join(tx, actor.tenantId, before, added);
      const settled = removed.length > 0 ? await this.affected.settle(tx, actor, { resourceIds: [before.id], branchIds: removed, from: this.now() }, input.resolutions) : { ...NOTHING_SETTLED };
      await this.changed(tx, actor, before.id, 'branches');
      return { resource: toView((await this.repo.get(tx, actor.tenantId, before.id))!), settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  /** In or out of use: an inactive resource is not offered for booking and gets no column; deactivating settles its appointments from now on. */
  async setActive(actor: Actor, input: z.output<typeof resourceSetActiveInput>): Promise<{ resource: ResourceSetupView; settled: Settled }> {
    const result = await inTransaction(this.db, { tenantId: actor.tenantId }, async (tx) => {
      const before = await this.repo.lock(tx, actor.tenantId, input.resourceId);
      if (!before) throw notFound('resource');
      if (before.active === input.active) return { resource: toView(before), settled: { ...NOTHING_SETTLED } };
      await this.repo.update(tx, before.id, { active: input.active });
      const settled = input.active ? { ...NOTHING_SETTLED } : await this.affected.settle(tx, actor, { resourceIds: [before.id], from: this.now() }, input.resolutions);
      await this.changed(tx, actor, before.id, input.active ? 'activated' : 'deactivated');
      return { resource: toView((await this.repo.get(tx, actor.tenantId, before.id))!), settled };
    });
    this.catalogues.invalidate(actor.tenantId);
    return result;
  }

  /**
   * Links the resource to branches. A room, chair or device starts open
   * whenever the branch is (its opening hours); a practitioner starts with
   * no hours until someone sets them.
   */
  private async join(tx: Tx, tenantId: string, resource: { id: string; kind: ResourceKind }, branchIds: readonly string[]): Promise<void> {
    await this.repo.addBranches(tx, tenantId, resource.id, branchIds);
    if (resource.kind === 'PRACTITIONER' || branchIds.length === 0) return;
    for (const [branchId, hours] of await this.repo.openingHours(tx, tenantId, branchIds)) await this.repo.addHours(tx, tenantId, resource.id, branchId, hours);
  }

  /** Every id a branch of the tenant, else NOT_FOUND (another clinic's ids look like no branch at all). */
  private async assertBranches(tx: Tx, tenantId: string, branchIds: readonly string[]): Promise<void> {
    if ((await this.repo.countBranches(tx, tenantId, branchIds)) !== branchIds.length) throw notFound('branch');
  }

  private changed(tx: Tx, actor: Actor, resourceId: string, change: Change): Promise<void> {
    return appendEvents(tx, { actorId: actor.staffId, desk: actor.desk }, [
      { type: 'resource.changed', tenantId: actor.tenantId, branchId: null, aggregateId: resourceId, payload: { resourceId, change } },
    ]);
  }
}

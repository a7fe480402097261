import { randomUUID } from 'node:crypto';
import { nextResourceColour, type ImportDuplicate } from '@frontdesk/shared';
import type { Tx } from '../db/tx.js';
import type { AnyNewEvent } from '../sync/append.js';
import type { CsvRecord } from './csv-stream.js';
import type { Columns } from './columns.js';
import type { Findings } from './findings.js';
import type { ImportsRepository, NewResource } from './imports.repository.js';
import type { ImportPlan, WriteProgress } from './plan.js';
import { resourceKey, ResourceRows, type BranchRef, type ResourcePlan } from './resource-rows.js';

/**
 * A resources file: practitioners, rooms, chairs and devices with the branches
 * they work at and their weekly hours there. A resource the clinic already has
 * (same kind and name) is skipped whole: the import adds, Setup → Resources changes.
 */
export class ResourceImport implements ImportPlan {
  private readonly rows: ResourceRows;
  private fresh: ResourcePlan[] = [];
  private usedColours: string[] = [];

  constructor(
    private readonly repo: ImportsRepository,
    private readonly tenantId: string,
    branches: readonly BranchRef[],
    findings: Findings,
  ) {
    this.rows = new ResourceRows(branches, findings);
  }

  read(record: CsvRecord, columns: Columns): void {
    this.rows.read(record, columns);
  }

  async checkExisting(tx: Tx, progress: WriteProgress): Promise<ImportDuplicate[]> {
    const existing = await this.repo.resources(tx, this.tenantId);
    const byKey = new Map(existing.map((r) => [resourceKey(r.kind, r.name.trim().replace(/\s+/g, ' ')), r]));
    this.usedColours = existing.filter((r) => r.active && r.colour).map((r) => r.colour);
    const duplicates: ImportDuplicate[] = [];
    this.fresh = [];
    for (const plan of this.rows.plans.values()) {
      const match = byKey.get(plan.key);
      if (!match) {
        this.fresh.push(plan);
        continue;
      }
      for (const at of plan.branches) {
        duplicates.push({ line: at.line, name: plan.name, reason: `${match.name} is already a ${plan.kind.toLowerCase()} of the clinic; change it in Setup → Resources.`, ofLine: null, existingId: match.id });
      }
    }
    progress(this.rows.plans.size, this.rows.plans.size);
    return duplicates;
  }

  get toCreate(): number {
    return this.fresh.length;
  }

  async write(tx: Tx, progress: WriteProgress): Promise<{ created: number; events: AnyNewEvent[] }> {
    const used = [...this.usedColours];
    const resources: NewResource[] = this.fresh.map((plan) => {
      // Without a colour of its own, the next one of the palette no resource uses yet (as Setup → Resources does).
      const colour = plan.colour ?? nextResourceColour(used);
      used.push(colour);
      return { id: randomUUID(), kind: plan.kind, name: plan.name, tags: plan.tags, colour, branches: plan.branches };
    });
    if (resources.length > 0) await this.repo.insertResources(tx, this.tenantId, resources);
    progress(resources.length, resources.length);
    const events: AnyNewEvent[] = resources.map((r) => ({
      type: 'resource.changed',
      tenantId: this.tenantId,
      branchId: null,
      aggregateId: r.id,
      payload: { resourceId: r.id, change: 'created' },
    }));
    return { created: resources.length, events };
  }
}

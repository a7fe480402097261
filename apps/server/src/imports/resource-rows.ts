import { RESOURCE_KINDS, resourceColour, resourceTags, type ImportDuplicate, type ImportRowError, type ResourceKind, type WeeklyHours } from '@frontdesk/shared';
import type { CsvRecord } from './csv-stream.js';
import { collapseSpaces, hasControlCharacters, type Columns } from './columns.js';
import { outsideOpeningHours } from '../branches/opening-hours.js';
import { parseWeeklyHours, type WeeklyInterval } from './weekly-hours.js';

// The rows of a resources file: kind, name, branch (required), tags, colour,
// hours. A resource working at several branches takes one row per branch;
// its rows share kind and name (and tags and colour, which belong to the resource).

export interface BranchRef {
  id: string;
  name: string;
  active: boolean;
  /** None: not set yet, nothing bounds the hours there. */
  openingHours: WeeklyHours[];
}

export interface ResourcePlan {
  /** kind + lower-case name: what duplicates are found by. */
  key: string;
  kind: ResourceKind;
  name: string;
  tags: string[];
  colour: string | null;
  /** The line of its first row. */
  line: number;
  branches: { branchId: string; line: number; hours: WeeklyInterval[] }[];
}

const NAME_MAX = 100;

const KIND_WORDS = RESOURCE_KINDS.map((k) => k.toLowerCase()).join(', ');

export function resourceKey(kind: string, name: string): string {
  return `${kind}\u0000${name.toLowerCase()}`;
}

/** Reads rows one by one into resources; reports faults and the rows that repeat an earlier one. */
export class ResourceRows {
  readonly plans = new Map<string, ResourcePlan>();
  private readonly branches: Map<string, BranchRef>;

  constructor(
    branches: readonly BranchRef[],
    private readonly report: { error: (e: ImportRowError) => void; duplicate: (d: ImportDuplicate) => void },
  ) {
    this.branches = new Map(branches.map((b) => [collapseSpaces(b.name.trim()).toLowerCase(), b]));
  }

  private branchList(): string {
    const names = [...this.branches.values()].filter((b) => b.active).map((b) => b.name);
    return names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
  }

  read(record: CsvRecord, columns: Columns): void {
    const { line } = record;
    let faults = 0;
    const fail = (column: string, reason: string) => {
      faults++;
      this.report.error({ line, column, reason });
    };

    const kindText = columns.value(record, 'kind');
    const kind = RESOURCE_KINDS.find((k) => k === kindText.toUpperCase());
    if (!kindText) fail('kind', `The kind is needed: ${KIND_WORDS}.`);
    else if (!kind) fail('kind', `"${kindText.slice(0, 40)}" is not a kind of resource: use ${KIND_WORDS}.`);

    const rawName = columns.value(record, 'name');
    const name = collapseSpaces(rawName);
    if (!name) fail('name', 'A name is needed.');
    else if (hasControlCharacters(rawName)) fail('name', 'The name has a line break or a control character.');
    else if (name.length > NAME_MAX) fail('name', `A name has at most ${NAME_MAX} characters.`);

    const branchName = collapseSpaces(columns.value(record, 'branch'));
    const branch = this.branches.get(branchName.toLowerCase());
    if (!branchName) fail('branch', `The branch is needed: ${this.branchList()}.`);
    else if (!branch) fail('branch', `There is no branch named "${branchName.slice(0, 60)}"; the branches are ${this.branchList()}.`);
    else if (!branch.active) fail('branch', `The branch ${branch.name} is not in use; reactivate it in Setup → Branches first.`);

    const tagsText = columns.value(record, 'tags');
    const tags = resourceTags.safeParse(tagsText ? tagsText.split(';').filter((t) => t.trim() !== '') : []);
    if (!tags.success) fail('tags', tags.error.issues[0]?.message ?? 'The tags are not valid.');
    else if (tags.data.some((t) => hasControlCharacters(t) || t.includes(','))) fail('tags', 'A tag has a line break, a comma or a control character; separate tags with semicolons.');

    const colourText = columns.value(record, 'colour');
    const colour = colourText ? resourceColour.safeParse(colourText) : null;
    if (colour && !colour.success) fail('colour', `"${colourText.slice(0, 20)}" is not a colour: write it like #2f6fdd.`);

    const hoursText = columns.value(record, 'hours');
    const parsed = parseWeeklyHours(hoursText);
    // A room, chair or device without hours of its own is open whenever its branch is, as Setup → Resources makes one.
    const hours = !hoursText && kind && kind !== 'PRACTITIONER' && branch ? { intervals: branch.openingHours.map((o) => ({ ...o })), problem: null } : parsed;
    if (hours.problem !== null) fail('hours', hours.problem);
    else if (branch) {
      const outside = outsideOpeningHours(hours.intervals, branch);
      if (outside) fail('hours', outside);
    }

    if (faults > 0 || !kind || !branch || !tags.success || hours.intervals === null) return;
    const key = resourceKey(kind, name);
    const plan = this.plans.get(key);
    const colourValue = colour?.success ? colour.data : null;
    if (!plan) {
      this.plans.set(key, { key, kind, name, tags: tags.data, colour: colourValue, line, branches: [{ branchId: branch.id, line, hours: hours.intervals }] });
      return;
    }
    const same = plan.branches.find((b) => b.branchId === branch.id);
    if (same) {
      this.report.duplicate({ line, name, reason: `Repeats line ${same.line}: the same ${kind.toLowerCase()} at ${branch.name}.`, ofLine: same.line, existingId: null });
      return;
    }
    // Tags and colour belong to the resource: a further branch's row may leave them empty, not change them.
    if (tagsText && tags.data.join(';') !== plan.tags.join(';')) {
      fail('tags', `The tags differ from line ${plan.line}, which names the same ${kind.toLowerCase()}; tags belong to the resource, not the branch.`);
    }
    if (colourValue && plan.colour && colourValue !== plan.colour) {
      fail('colour', `The colour differs from line ${plan.line}, which names the same ${kind.toLowerCase()}.`);
    }
    if (faults > 0) return;
    plan.colour ??= colourValue;
    plan.branches.push({ branchId: branch.id, line, hours: hours.intervals });
  }
}

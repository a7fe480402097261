import type { Db, Tx } from '../db/tx.js';

/** Monday to Friday, 09:00–17:00: a new branch's opening hours until someone sets its own. */
const DEFAULT_OPENING_HOURS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 }));

export interface NewOrganisation {
  tenantId: string;
  name: string;
  branch: { id: string; name: string; timeZone: string; address: string; phone: string };
  admin: { id: string; name: string; email: string; passwordHash: string };
}

// The first run's statements. Whether any organisation exists, and the setup
// codes, are asked across tenants through the narrow functions of migrations
// 20261123110000_first_run and 20261123110500_first_run_codes; everything
// written is the new tenant's own.
export class FirstRunRepository {
  /** Whether no organisation exists yet (a read; nothing waits). */
  async open(db: Db): Promise<boolean> {
    const rows = await db.$queryRaw<{ open: boolean }[]>`SELECT frontdesk_first_run_open() AS open`;
    return rows[0]?.open === true;
  }

  /** Keeps a setup code's hash while no organisation exists; false once one does. */
  async addSetupCode(db: Db, codeHash: string): Promise<boolean> {
    const rows = await db.$queryRaw<{ added: boolean }[]>`SELECT frontdesk_first_run_code_add(${codeHash}) AS added`;
    return rows[0]?.added === true;
  }

  /** Whether a setup code's hash is one a server process printed (and no first run has used). */
  async setupCodeValid(db: Db, codeHash: string): Promise<boolean> {
    const rows = await db.$queryRaw<{ valid: boolean }[]>`SELECT frontdesk_first_run_code_valid(${codeHash}) AS valid`;
    return rows[0]?.valid === true;
  }

  /**
   * Whether no organisation exists, asked under the first run's lock, held to
   * the end of `tx`: a concurrent first run waits here and, once this one
   * commits, finds the organisation it made. Claiming deletes the setup codes
   * (with `tx`: back if it rolls back).
   */
  async claim(tx: Tx): Promise<boolean> {
    const rows = await tx.$queryRaw<{ claimed: boolean }[]>`SELECT frontdesk_claim_first_run() AS claimed`;
    return rows[0]?.claimed === true;
  }

  /** The tenant, its first branch with default opening hours, and its admin. Run in a transaction scoped to `tenantId`. */
  async createOrganisation(tx: Tx, data: NewOrganisation): Promise<void> {
    const { tenantId, branch, admin } = data;
    await tx.tenant.create({ data: { id: tenantId, name: data.name }, select: { id: true } });
    await tx.branch.create({
      data: { id: branch.id, tenantId, name: branch.name, timeZone: branch.timeZone, address: branch.address, phone: branch.phone },
      select: { id: true },
    });
    await tx.branchHours.createMany({ data: DEFAULT_OPENING_HOURS.map((h) => ({ tenantId, branchId: branch.id, ...h })) });
    await tx.staff.create({
      data: { id: admin.id, tenantId, name: admin.name, email: admin.email.toLowerCase(), role: 'ADMIN', passwordHash: admin.passwordHash },
      select: { id: true },
    });
  }
}

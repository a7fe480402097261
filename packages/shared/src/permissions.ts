import type { StaffRole } from './dto.js';

// What each role may do: the server enforces it, the desk hides what a role
// cannot use. Every procedure names exactly one permission (or 'public'); the
// server's access test walks the router and fails on one that doesn't.
export const PERMISSIONS = [
  'session', // own session: whoami, logout, change password
  'catalog.read', // branches, services, resources, products
  'appointments.read',
  'appointments.write',
  'slots.find',
  'tokens.issue',
  'patients.read',
  'patients.write',
  'audit.read',
  'schedule.manage', // working hours, time off
  'catalog.manage', // prices, stock
  'staff.manage',
  'organisation.manage', // branches, resources, services, products, imports: the clinic's setup
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const FRONT_DESK: Permission[] = [
  'session',
  'catalog.read',
  'appointments.read',
  'appointments.write',
  'slots.find',
  'patients.read',
  'patients.write',
  'audit.read',
];

export const ROLE_PERMISSIONS: Record<StaffRole, ReadonlySet<Permission>> = {
  RECEPTIONIST: new Set([...FRONT_DESK, 'tokens.issue']),
  CALL_CENTRE: new Set(FRONT_DESK),
  BRANCH_MANAGER: new Set([...FRONT_DESK, 'tokens.issue', 'schedule.manage', 'catalog.manage', 'staff.manage']),
  ADMIN: new Set(PERMISSIONS),
};

/** Roles that act in every branch of their tenant rather than assigned ones. */
export const TENANT_WIDE_ROLES: ReadonlySet<StaffRole> = new Set(['CALL_CENTRE', 'ADMIN']);

export function roleMay(role: StaffRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

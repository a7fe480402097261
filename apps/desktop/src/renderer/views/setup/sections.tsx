import type { ReactElement } from 'react';
import type { Permission } from '@frontdesk/shared';
import type { Branch } from '../../lib/types.js';
import { ApiClientsSection } from './ApiClientsSection.js';
import { BranchesSection } from './BranchesSection.js';
import { ClinicSection } from './ClinicSection.js';
import { HistorySection } from './HistorySection.js';
import { HoursSection } from './HoursSection.js';
import { ImportSection } from './ImportSection.js';
import { MessagesSection } from './MessagesSection.js';
import { ProductsSection } from './ProductsSection.js';
import { ResourcesSection } from './ResourcesSection.js';
import { ServicesSection } from './ServicesSection.js';
import { SessionsSection } from './SessionsSection.js';
import { StaffSection } from './StaffSection.js';

/** What every setup section is given: the branch chosen in the top bar (a default for branch-bound forms). */
export interface SetupSectionProps {
  branch: Branch;
}

export interface SetupSection {
  /** Stable id: the tab's test id is `setup-tab-<id>`, the section's root `setup-<id>`. */
  id: string;
  label: string;
  /** Shown only to roles that have this permission. */
  permission: Permission;
  Component: (props: SetupSectionProps) => ReactElement;
}

// The setup screens, in the order a new clinic fills them in. Each section
// lives in its own file beside this one and is listed here.
export const SETUP_SECTIONS: SetupSection[] = [
  // Managers see their own branches' opening hours and holidays here; details stay the admin's.
  { id: 'branches', label: 'Branches', permission: 'schedule.manage', Component: BranchesSection },
  { id: 'resources', label: 'Resources', permission: 'organisation.manage', Component: ResourcesSection },
  { id: 'hours', label: 'Working hours', permission: 'schedule.manage', Component: HoursSection },
  // Managers see the services and set prices at their own branches; the rest is the admin's.
  { id: 'services', label: 'Services', permission: 'catalog.manage', Component: ServicesSection },
  { id: 'products', label: 'Products & stock', permission: 'catalog.manage', Component: ProductsSection },
  { id: 'sessions', label: 'Walk-in sessions', permission: 'schedule.manage', Component: SessionsSection },
  { id: 'staff', label: 'Staff', permission: 'staff.manage', Component: StaffSection },
  // Bringing in what a clinic already has on file, once the branches exist.
  { id: 'import', label: 'Import', permission: 'organisation.manage', Component: ImportSection },
  // The clinic's locale (its clock on every desk).
  { id: 'clinic', label: 'Clinic', permission: 'organisation.manage', Component: ClinicSection },
  // Systems that book through the FHIR API (an EHR, a patient portal).
  { id: 'api-clients', label: 'API clients', permission: 'organisation.manage', Component: ApiClientsSection },
  // What patients are sent (confirmations, reminders, waitlist offers), its wording and quiet hours.
  { id: 'messages', label: 'Messages', permission: 'organisation.manage', Component: MessagesSection },
  // The audit trail of every section above; keep it last.
  { id: 'history', label: 'History', permission: 'schedule.manage', Component: HistorySection },
];

import type { AuditEntry } from '@frontdesk/shared';

// The words of the setup history: what changed, named by the thing it changed
// (the event carries ids; the reader resolves them to names once per page).

const CHANGE_WORDS: Record<string, string> = {
  created: 'Created',
  updated: 'Changed',
  opening_hours: 'Changed the opening hours of',
  deactivated: 'Deactivated',
  activated: 'Reactivated',
  branches: 'Changed the branches of',
  practitioners: 'Changed who offers',
  price: 'Changed the price of',
  threshold: 'Changed the low-stock threshold of',
  generated: 'Generated sessions from',
};

const STAFF_WORDS: Record<string, string> = {
  created: 'Created the staff account of',
  disabled: 'Disabled the staff account of',
  enabled: 'Enabled the staff account of',
  branches: 'Changed the branches of',
  password: 'Password changed by',
  password_reset: 'Reset the password of',
  role: 'Changed the role of',
  updated: 'Changed the staff account of',
};

const KIND_WORDS: Record<string, string> = {
  'branch.changed': 'branch',
  'resource.changed': 'resource',
  'service.changed': 'service',
  'product.changed': 'product',
  'session_template.changed': 'walk-in session',
};

/** The ids an event names, so the reader can look their names up in one go. */
export function namedIds(payload: unknown): string[] {
  const p = (payload ?? {}) as Record<string, unknown>;
  const ids = ['branchId', 'resourceId', 'serviceId', 'productId', 'templateId', 'staffId'].map((k) => p[k]);
  const timeOff = p.timeOff as { resourceId?: unknown; branchId?: unknown } | undefined;
  if (timeOff) ids.push(timeOff.resourceId, timeOff.branchId);
  return ids.filter((v): v is string => typeof v === 'string');
}

/** One line a manager can read about a setup change. */
export function describeSetupChange(type: string, payload: unknown, nameOf: (id: unknown) => string): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  const kind = KIND_WORDS[type];
  if (kind) {
    const id = p.branchId ?? p.resourceId ?? p.serviceId ?? p.productId ?? p.templateId;
    const verb = CHANGE_WORDS[String(p.change)] ?? 'Changed';
    const count = type === 'session_template.changed' && typeof p.generated === 'number' ? ` (${p.generated} sessions)` : '';
    return `${verb} ${verb === 'Created' || verb === 'Changed' ? `${kind} ` : ''}${nameOf(id)}${count}`;
  }
  switch (type) {
    case 'organisation.created':
      return `Created the organisation ${String(p.name ?? '')}`.trim();
    case 'hours.changed':
      return `Changed the weekly hours of ${nameOf(p.resourceId)} at ${nameOf(p.branchId)}`;
    case 'hours.exception_changed': {
      const dates = Array.isArray(p.dates) ? p.dates.join(', ') : '';
      return `Changed the hours of ${nameOf(p.resourceId)} at ${nameOf(p.branchId)} on ${dates}`;
    }
    case 'time_off.added':
    case 'time_off.removed': {
      const t = (p.timeOff ?? {}) as { kind?: string; startsAt?: string; endsAt?: string; reason?: string; resourceId?: string | null; branchId?: string | null };
      const who = t.resourceId ? nameOf(t.resourceId) : `all of ${nameOf(t.branchId)}`;
      const what = String(t.kind ?? 'time off').toLowerCase();
      const verb = type === 'time_off.added' ? 'Added' : 'Removed';
      return `${verb} ${what} for ${who}, ${t.startsAt ?? ''} to ${t.endsAt ?? ''}${t.reason ? ` (${t.reason})` : ''}`;
    }
    case 'api_client.changed': {
      const verb = { created: 'Registered', rotated: 'Issued a new secret for', disabled: 'Disabled', enabled: 'Enabled' }[String(p.change)] ?? 'Changed';
      return `${verb} the API client ${String(p.name ?? '')}`.trim();
    }
    case 'price.changed':
      return `Set the price of ${nameOf(p.serviceId)} at ${nameOf(p.branchId)} to ${money(p.priceCents)}`;
    case 'stock.changed': {
      const delta = typeof p.delta === 'number' ? (p.delta >= 0 ? `+${p.delta}` : String(p.delta)) : '';
      return `Stock of ${nameOf(p.productId)} at ${nameOf(p.branchId)} ${delta} → ${String(p.quantity ?? '')}${p.reason ? ` (${String(p.reason)})` : ''}`;
    }
    case 'staff.changed': {
      const role = typeof p.role === 'string' ? ` (${p.role.toLowerCase().replace('_', ' ')})` : '';
      return `${STAFF_WORDS[String(p.change)] ?? 'Changed the staff account of'} ${nameOf(p.staffId)}${p.change === 'created' || p.change === 'role' ? role : ''}`;
    }
    case 'import.completed':
      return `Imported ${String(p.kind ?? '')}: ${String(p.created ?? 0)} created, ${String(p.skipped ?? 0)} already there`;
    default:
      return type;
  }
}

function money(cents: unknown): string {
  return typeof cents === 'number' ? (cents / 100).toFixed(2) : '';
}

export type SetupHistoryEntry = AuditEntry;

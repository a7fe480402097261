import type { ResourceKind } from '@frontdesk/shared';
import { money } from '../../../lib/time.js';

// How the services table and form put a service into words: pure, so it is tested alone.

export const KIND_WORDS: Record<ResourceKind, string> = { PRACTITIONER: 'Practitioner', ROOM: 'Room', CHAIR: 'Chair', DEVICE: 'Device' };

/** "Practitioner (dentist) + Chair (dental)"; a need without a tag is any of its kind. */
export function needsWords(requirements: readonly { kind: ResourceKind; tag: string | null }[]): string {
  return requirements.map((r) => (r.tag ? `${KIND_WORDS[r.kind]} (${r.tag})` : `Any ${KIND_WORDS[r.kind].toLowerCase()}`)).join(' + ');
}

/** "5 min before · 10 min after"; "None" when there are none. */
export function buffersWords(before: number, after: number): string {
  const parts = [before ? `${before} min before` : '', after ? `${after} min after` : ''].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'None';
}

/** "Dr Nair (60 min), Dr Kim"; with no one listed, anyone who meets the needs. */
export function practitionersWords(practitioners: readonly { name: string; durationMin: number | null }[]): string {
  if (practitioners.length === 0) return 'Anyone who meets the needs';
  return practitioners.map((p) => (p.durationMin ? `${p.name} (${p.durationMin} min)` : p.name)).join(', ');
}

/** What each branch charges: its own price, else the base. */
export function branchPrices(basePriceCents: number, own: readonly { branchId: string; priceCents: number }[], branches: readonly { id: string; name: string }[]) {
  return branches.map((b) => {
    const price = own.find((p) => p.branchId === b.id);
    return { branchId: b.id, name: b.name, priceCents: price?.priceCents ?? basePriceCents, own: price !== undefined };
  });
}

/** Cents from what a person types ("120", "120.5", "$1,200.00"); null when it is not an amount. */
export function centsFrom(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (!/^\d+(\.\d{0,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

/** An amount as a price field shows it: "120.00". */
export function amountText(cents: number): string {
  return (cents / 100).toFixed(2);
}

export { money };

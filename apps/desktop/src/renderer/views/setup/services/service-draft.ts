import type { CreateServiceInput } from '@frontdesk/shared';
import type { Need } from './NeedsField.js';
import type { Offering } from './PractitionersField.js';
import { amountText, centsFrom } from './service-words.js';
import type { SetupService } from './use-service-commands.js';

// A service as its form holds it (text as typed), and back to what the
// server takes: pure, so it is tested alone.

export interface Draft {
  name: string;
  durationMin: string;
  bufferBeforeMin: string;
  bufferAfterMin: string;
  needs: Need[];
  offering: Offering;
  basePrice: string;
  /** Branch id → its own price as typed; empty: the base price. */
  branchPrices: Record<string, string>;
  colour: string;
  active: boolean;
}

/** A new service starts needing a practitioner, at 30 minutes. */
export function draftOf(service: SetupService | null): Draft {
  if (!service) {
    return { name: '', durationMin: '30', bufferBeforeMin: '0', bufferAfterMin: '0', needs: [{ kind: 'PRACTITIONER', tag: '' }], offering: {}, basePrice: '', branchPrices: {}, colour: '', active: true };
  }
  return {
    name: service.name,
    durationMin: String(service.durationMin),
    bufferBeforeMin: String(service.bufferBeforeMin),
    bufferAfterMin: String(service.bufferAfterMin),
    needs: service.requirements.map((r) => ({ kind: r.kind, tag: r.tag ?? '' })),
    offering: Object.fromEntries(service.practitioners.map((p) => [p.resourceId, { own: p.durationMin === null ? '' : String(p.durationMin) }])),
    basePrice: amountText(service.basePriceCents),
    branchPrices: Object.fromEntries(service.prices.map((p) => [p.branchId, amountText(p.priceCents)])),
    colour: service.colour,
    active: service.active,
  };
}

const AMOUNT = 'Give the price as an amount, e.g. 120.00.';

/**
 * The input the server takes, or the slips that stop it being made (prices
 * that are not amounts). Numbers go as typed; the shared schema judges them.
 * `order`: the practitioners in the order the form lists them.
 */
export function inputOf(draft: Draft, order: readonly string[]): { input: CreateServiceInput | null; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const basePriceCents = centsFrom(draft.basePrice);
  if (basePriceCents === null) problems.basePriceCents = draft.basePrice.trim() === '' ? 'Give the base price.' : AMOUNT;
  const prices: { branchId: string; priceCents: number }[] = [];
  for (const [branchId, text] of Object.entries(draft.branchPrices)) {
    if (text.trim() === '') continue;
    const cents = centsFrom(text);
    if (cents === null) problems[`prices.${branchId}`] = AMOUNT;
    else prices.push({ branchId, priceCents: cents });
  }
  const listed = Object.keys(draft.offering).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  if (basePriceCents === null || Object.keys(problems).length > 0) return { input: null, problems };
  return {
    input: {
      name: draft.name,
      durationMin: numberOf(draft.durationMin),
      bufferBeforeMin: numberOf(draft.bufferBeforeMin),
      bufferAfterMin: numberOf(draft.bufferAfterMin),
      requirements: draft.needs.map((n) => ({ kind: n.kind, tag: n.tag.trim() === '' ? null : n.tag })),
      practitioners: listed.map((resourceId) => ({ resourceId, durationMin: draft.offering[resourceId]!.own.trim() === '' ? null : numberOf(draft.offering[resourceId]!.own) })),
      basePriceCents,
      prices,
      colour: draft.colour,
    },
    problems,
  };
}

/** A typed number; empty is NaN, which the schema names as missing. */
function numberOf(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

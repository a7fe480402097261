// Prices as a person types them ("12.50") and as the server keeps them (cents).

/** "12.50" → 1250, "9" → 900; null when the text is not an amount with at most two decimals. */
export function centsOf(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(t)) return null;
  const [whole, fraction = ''] = t.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** 1250 → "12.50", for an input's starting value. */
export function amountOf(cents: number): string {
  return (cents / 100).toFixed(2);
}

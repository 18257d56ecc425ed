import { type PriceBook, unitPriceOf } from '../cost/price-book.ts';
import type { PriceChange } from './gate-verdict.ts';
import { jsonEqual } from './json-equal.ts';

/** The fields of a price book entry that change a bill (sources and notes do not). */
function billingTerms(entry: object | undefined): unknown {
  if (entry === undefined) return undefined;
  const { source: _source, note: _note, ...terms } = entry as Record<string, unknown>;
  return terms;
}

/**
 * Differences between two price books in what changes a bill: every price line (price, per, unit, volume
 * tiers), EC2 instance (price and size) and free tier (quantity, what it applies to), and the currency.
 * Sources, notes, dates and quotas are not prices (quotas change headroom, not dollars), nor is the id.
 */
export function priceChanges(before: PriceBook, after: PriceBook): PriceChange[] {
  const changes: PriceChange[] = [];
  const compare = (
    key: string,
    a: Record<string, unknown> | undefined,
    b: Record<string, unknown> | undefined,
    valueOfEntry: (entry: Record<string, unknown>) => number,
    unitOf: (entry: Record<string, unknown>) => string,
  ): void => {
    if (jsonEqual(billingTerms(a), billingTerms(b))) return;
    const baselineValue = a === undefined ? null : valueOfEntry(a);
    const currentValue = b === undefined ? null : valueOfEntry(b);
    const unit = unitOf((b ?? a) as Record<string, unknown>);
    const sameValue = baselineValue !== null && currentValue !== null && baselineValue === currentValue;
    changes.push({
      key,
      baseline: baselineValue,
      current: currentValue,
      unit,
      ...(sameValue ? { note: 'volume tiers or other terms changed' } : {}),
    });
  };
  const unitPrice = (entry: Record<string, unknown>): number =>
    unitPriceOf(entry as { price: number; per: number });
  const unit = (entry: Record<string, unknown>): string => String(entry.unit);
  const keysOf = (a: object, b: object): string[] =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const record = (value: object): Record<string, Record<string, unknown> | undefined> =>
    value as Record<string, Record<string, unknown> | undefined>;

  for (const key of keysOf(before.lines, after.lines)) {
    compare(key, record(before.lines)[key], record(after.lines)[key], unitPrice, unit);
  }
  for (const type of keysOf(before.ec2Instances, after.ec2Instances)) {
    compare(
      `ec2:${type}`,
      record(before.ec2Instances)[type],
      record(after.ec2Instances)[type],
      unitPrice,
      unit,
    );
  }
  for (const key of keysOf(before.freeTiers, after.freeTiers)) {
    compare(
      `free-tier:${key}`,
      record(before.freeTiers)[key],
      record(after.freeTiers)[key],
      (entry) => Number(entry.quantity),
      unit,
    );
  }
  if (before.currency !== after.currency) {
    changes.push({
      key: 'currency',
      baseline: null,
      current: null,
      unit: `${before.currency} -> ${after.currency}`,
    });
  }
  return changes;
}

/** Whether two books bill the same (see `priceChanges`). */
export function samePrices(before: PriceBook, after: PriceBook): boolean {
  return priceChanges(before, after).length === 0;
}

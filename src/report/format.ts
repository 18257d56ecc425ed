/**
 * Number formatting shared by the HTML report and the Markdown summary, so both show the same figure for
 * the same value. Fixed to `en-US` so a report reads the same whatever the machine's locale.
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fourSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/**
 * US dollars: whole dollars from $1,000, cents from $1, four significant digits (at least two decimals)
 * below $1, so unit prices such as $0.000025 per transition or $0.04048 per vCPU-hour keep their digits.
 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  if (abs >= 1000) return `${sign}$${grouped.format(abs)}`;
  if (abs >= 1) return `${sign}$${twoDecimals.format(abs)}`;
  const digits = fourSignificant.format(abs);
  // At least cents: $0.2 reads as a typo, $0.20 does not.
  const decimals = digits.split('.')[1]?.length ?? 0;
  return `${sign}$${decimals >= 2 ? digits : Number(digits).toFixed(2)}`;
}

/** A plain number: grouped whole numbers from 1,000, four significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return grouped.format(value);
  return fourSignificant.format(value);
}

/** A percentage of 100 (`93.4%`), with `digits` decimals. */
export function formatPercent(value: number, digits = 1): string {
  return `${value.toFixed(digits)}%`;
}

/** A fraction of 1 as a percentage (`0.25` -> `25%`), up to two decimals. */
export function formatFraction(value: number): string {
  return `${Number((value * 100).toFixed(2))}%`;
}

/** Bytes in binary units (`1.5 MiB`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${grouped.format(value)} B` : `${fourSignificant.format(value)} ${units[unit]}`;
}

/** Milliseconds (`812 ms`, `1.234 s` from one second). */
export function formatMs(ms: number): string {
  return Math.abs(ms) >= 1000 ? `${fourSignificant.format(ms / 1000)} s` : `${fourSignificant.format(ms)} ms`;
}

/** The streams a quota allows: a whole number, or a phrase when no quota binds. */
export function formatStreams(streams: number | null): string {
  return streams === null ? 'no quota binds' : grouped.format(streams);
}

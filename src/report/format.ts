/**
 * Number formatting shared by the HTML report and the Markdown summary, so both show the same figure for
 * the same value. Fixed to `en-US` so a report reads the same whatever the machine's locale.
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const _twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fourSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

export { formatNumber, formatUsd } from '../core/text-format.ts';

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

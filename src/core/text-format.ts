/**
 * Text formatting shared by every rendered output (the HTML report, the Markdown summary, the gate's
 * Markdown), so the same value reads the same everywhere. Fixed to `en-US`, whatever the machine's locale.
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

/**
 * Escapes text for Markdown prose and table cells: HTML special characters become entities (no raw HTML
 * reaches a renderer), Markdown punctuation is backslash-escaped (no emphasis, links, code or table
 * pipes), and line breaks become spaces (a cell stays on its row).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[`*_[\]|~#!]/g, (char) => `\\${char}`)
    .replace(/[\r\n]+/g, ' ');
}

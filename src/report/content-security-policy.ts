import { createHash } from 'node:crypto';

/**
 * The report's Content-Security-Policy: no fetch of any kind (`default-src 'none'`), `data:` images only,
 * inline styles, and only the page's own inline scripts, each allowed by its SHA-256 hash (no
 * `'unsafe-inline'`, no `'unsafe-eval'`): a script that markup injection might add would not run.
 * JSON data blocks (`type="application/json"`) are not executed, so they need no hash.
 */
export function contentSecurityPolicy(scripts: readonly string[]): string {
  const hashes = scripts.map(
    (script) => `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`,
  );
  return `default-src 'none'; img-src data:; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`;
}

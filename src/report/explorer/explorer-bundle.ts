import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/**
 * The explorer's page script: `browser/explorer-page.ts` and what it imports from `src/core/cost`, bundled
 * by esbuild when the report is rendered, so the page runs exactly the cost model of the archbench that
 * rendered it (no copy of the arithmetic, nothing prebuilt to go stale). Built once per process.
 */

const ENTRY = fileURLToPath(new URL('./browser/explorer-page.ts', import.meta.url));

let bundled: string | undefined;

export function explorerScript(): string {
  if (bundled === undefined) {
    const result = buildSync({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
    });
    const text = result.outputFiles[0]?.text;
    if (text === undefined) throw new Error('explorer: esbuild produced no bundle');
    // The bundle goes inside a <script> element (see chartJsBundle): refuse one that could end it.
    if (/<\/script|<!--/i.test(text)) throw new Error('explorer bundle contains "</script" or "<!--"');
    bundled = text;
  }
  return bundled;
}

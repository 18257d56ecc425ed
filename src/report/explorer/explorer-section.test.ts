import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../html-report.ts';
import { buildSampleResults, hostileStrings } from '../sample-results.ts';
import { explorerSection } from './explorer-section.ts';

describe('explorer section', () => {
  const results = buildSampleResults();
  const page = renderHtmlReport(results);

  it('labels every control and offers a reset', () => {
    const ids = [...page.matchAll(/<input [^>]*id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(page, id).toContain(`<label for="${id}"`);
    expect(page).toContain('<button type="button" id="explorer-reset">');
  });

  it('allows exactly the inline scripts the page has, each by its hash', () => {
    const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '');
    expect(scripts).toHaveLength(3);
    const csp =
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/
        .exec(page)?.[1]
        ?.replaceAll('&#39;', "'") ?? '';
    for (const script of scripts) {
      expect(csp).toContain(`sha256-${createHash('sha256').update(script).digest('base64')}`);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('escapes design labels in the controls and embeds the designs as inert JSON', () => {
    expect(page).not.toContain(hostileStrings.designLabel);
    const data = /<script type="application\/json" id="explorer-data">([\s\S]*?)<\/script>/.exec(page)?.[1];
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data ?? '').designs[1].label).toBe(hostileStrings.designLabel);
  });

  it('says so when this cost model does not reproduce the document, and when it cannot price it', () => {
    expect(explorerSection(results).markup.html).not.toContain('does not reproduce');
    const edited = { ...results, headline: { ...results.headline, monolithPerStreamHour: 1 } };
    expect(explorerSection(edited).markup.html).toContain('does not reproduce');
    const broken = explorerSection({ ...results, designs: results.designs.slice(0, 1) });
    expect(broken.script).toBeNull();
    expect(broken.markup.html).toContain('cannot price this document');
  });
});

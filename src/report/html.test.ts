import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonForScript, trustedHtml } from './html.ts';

describe('escapeHtml and the html tag', () => {
  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapes interpolated text, nested lists and numbers, but keeps markup built by the tag', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const inner = html`<b>${hostile}</b>`;
    const page = html`<p title="${hostile}">${inner}${[hostile, 1.5, null, false, undefined]}</p>`;
    expect(page.html).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;"><b>&lt;img src=x onerror=alert(1)&gt;</b>&lt;img src=x onerror=alert(1)&gt;1.5</p>',
    );
    expect(html`${trustedHtml('<br>')}`.html).toBe('<br>');
  });
});

describe('jsonForScript', () => {
  it('leaves no character that could end a script element, and parses back to the same value', () => {
    const value = { text: '</script><script>alert(2)</script><!-- & \u2028\u2029' };
    const encoded = jsonForScript(value);
    expect(encoded).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(encoded)).toEqual(value);
  });
});

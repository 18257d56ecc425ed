import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

/**
 * The layers of DESIGN.md ("Dependencies point down"), checked on every import in src: static imports and
 * re-exports, dynamic imports of a string literal, and child-process entry points (a `.ts` URL made
 * relative to `import.meta.url`). The patterns also match inside comments: keep such examples out of them.
 *
 * Product code is every module reachable from an entry point (a file named in package.json's `bin` or
 * `scripts`, or a non-test module nothing imports); test support is every other non-test module (only
 * tests and other test support reach it). The layer arrows bind product code; tests and test support may
 * reach up for set-up, but nothing outside src/cli imports src/cli. Product code imports only
 * `dependencies` (and `node:` builtins outside core); tests and test support also `devDependencies`.
 */

const srcDir = import.meta.dirname;

/** Which src layers each layer's product code may import (its own included). */
const allowedLayers: Readonly<Record<string, readonly string[]>> = {
  core: ['core'],
  media: ['core', 'media', 'infra'],
  infra: ['core', 'media', 'infra'],
  runners: ['core', 'media', 'infra', 'runners'],
  harness: ['core', 'media', 'infra', 'runners', 'harness'],
  report: ['core', 'report'],
  ml: ['core', 'media', 'infra', 'ml'],
  perf: ['core', 'media', 'infra', 'ml', 'runners', 'harness', 'perf'],
  cli: ['core', 'media', 'infra', 'runners', 'harness', 'report', 'cli'],
};

/** Packages `src/core` may import: pure libraries only (no SDK, no onnxruntime, no node builtins). */
const pureCorePackages: readonly string[] = ['zod'];

/**
 * Imports that break a rule today, each with the issue that removes it. The test fails when one is gone,
 * so the list only shrinks: delete the line with the fix.
 */
const knownViolations: readonly string[] = [
  // Empty since issue 12 moved the model's runtime contract to src/core/detectors: the last ones were
  // 'infra/onnx-frame-classifier.ts -> ml/block-corruption-model.ts' and '... -> ml/block-features.ts'.
];

interface ImportEdge {
  /** Importing file, relative to src. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** Imported file relative to src (a relative specifier), or undefined for a package. */
  readonly to: string | undefined;
  /** Loaded with the importing module, when its code runs, or as a child process. */
  readonly kind: 'static' | 'dynamic' | 'process';
}

const clause = String.raw`(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)`;
const importPatterns: readonly [ImportEdge['kind'], RegExp][] = [
  ['static', new RegExp(String.raw`^(?:import|export)\s+${clause}\s+from\s*(['"])(?<spec>[^'"]+)\1`, 'gm')],
  ['static', /^import\s*(['"])(?<spec>[^'"]+)\1/gm],
  ['dynamic', /\bimport\(\s*(['"])(?<spec>[^'"]+)\1\s*\)/g],
  ['process', /\bnew URL\(\s*(['"])(?<spec>\.[^'"]+\.ts)\1\s*,\s*import\.meta\.url\s*\)/g],
];

function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [kind, pattern] of importPatterns) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match.groups!.spec!;
      const to = specifier.startsWith('.')
        ? path.relative(srcDir, path.resolve(srcDir, path.dirname(file), specifier))
        : undefined;
      edges.push({ from: file, specifier, to, kind });
    }
  }
  return edges;
}

const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.split(path.sep).join('/'))
  .sort();
const edges = files.flatMap((file) => importsOf(file, readFileSync(path.join(srcDir, file), 'utf8')));

const isTest = (file: string): boolean => file.endsWith('.test.ts');
const layerOf = (file: string): string | undefined => (file.includes('/') ? file.split('/')[0] : undefined);
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith('node:') || builtinModules.includes(specifier);

/** Entry points: files package.json runs, and non-test modules no file imports. */
function entryPoints(): Set<string> {
  const named = [packageJson.bin.archbench, ...Object.values(packageJson.scripts)].flatMap((command) =>
    [...command.matchAll(/\bsrc\/[\w/.-]+\.ts\b/g)].map((match) => match[0].slice('src/'.length)),
  );
  const imported = new Set(edges.flatMap((edge) => (edge.to === undefined ? [] : [edge.to])));
  return new Set([...named, ...files.filter((file) => !isTest(file) && !imported.has(file))]);
}

function productFiles(): Set<string> {
  const product = entryPoints();
  const queue = [...product];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const edge of edges) {
      if (edge.from === file && edge.to !== undefined && !product.has(edge.to)) {
        product.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return product;
}

const product = productFiles();
const dependencies = new Set(Object.keys(packageJson.dependencies));
const devDependencies = new Set(Object.keys(packageJson.devDependencies));

/** Why an import breaks a rule, or undefined when it keeps them. */
function violation(edge: ImportEdge): string | undefined {
  const fromLayer = layerOf(edge.from);
  const isProduct = product.has(edge.from);
  if (edge.to === undefined) {
    if (fromLayer === 'core' && isProduct && !pureCorePackages.includes(packageOf(edge.specifier))) {
      return 'core imports only pure packages';
    }
    if (isBuiltin(edge.specifier)) return undefined;
    const name = packageOf(edge.specifier);
    if (dependencies.has(name)) return undefined;
    if (devDependencies.has(name)) return isProduct ? 'product code imports a devDependency' : undefined;
    return 'imports a package package.json does not declare';
  }
  const toLayer = layerOf(edge.to);
  if (edge.to.startsWith('..')) {
    // Data beside src (package.json, the price books) is fine; code and core reaching out are not.
    if (edge.to.endsWith('.json') && !(fromLayer === 'core' && isProduct)) return undefined;
    return 'imports from outside src';
  }
  if (toLayer === 'cli' && fromLayer !== 'cli') return 'nothing outside src/cli imports cli';
  if (!isProduct || fromLayer === undefined || toLayer === undefined) return undefined;
  const allowed = allowedLayers[fromLayer];
  if (allowed === undefined) return `src/${fromLayer} is not a known layer: add it to allowedLayers`;
  return allowed.includes(toLayer) ? undefined : `${fromLayer} may import only ${allowed.join(', ')}`;
}

describe('architecture', () => {
  it('reads the imports of every file', () => {
    expect(files).toContain('cli/main.ts');
    expect(edges).toContainEqual({
      from: 'cli/main.ts',
      specifier: 'commander',
      to: undefined,
      kind: 'static',
    });
    // Commands load lazily, and pool workers are child processes: both are edges.
    expect(edges).toContainEqual({
      from: 'cli/main.ts',
      specifier: './bench-command.ts',
      to: 'cli/bench-command.ts',
      kind: 'dynamic',
    });
    expect(product).toContain('runners/distributed/worker-main.ts');
    expect(product).not.toContain('cli/cli-test-support.ts');
  });

  it('loads a command of the CLI only when it runs: archbench --help loads no SDK and no onnxruntime', () => {
    const loaded = new Set(['cli/main.ts']);
    const packages = new Set<string>();
    const queue = ['cli/main.ts'];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      for (const edge of edges) {
        if (edge.from !== file || edge.kind !== 'static') continue;
        if (edge.to === undefined) packages.add(packageOf(edge.specifier));
        else if (!loaded.has(edge.to)) {
          loaded.add(edge.to);
          queue.push(edge.to);
        }
      }
    }
    expect([...loaded].filter((file) => file.endsWith('-command.ts'))).toEqual([]);
    expect(
      [...packages].filter((name) => name.startsWith('@aws-sdk/') || name === 'onnxruntime-node'),
    ).toEqual([]);
  });

  it('keeps the dependency arrows pointing down, except the known violations', () => {
    const found = edges.flatMap((edge) => {
      const why = violation(edge);
      return why === undefined ? [] : [{ edge: `${edge.from} -> ${edge.to ?? edge.specifier}`, why }];
    });
    const unexpected = found.filter((item) => !knownViolations.includes(item.edge));
    expect(unexpected, 'imports against the layers of DESIGN.md').toEqual([]);
    const fixed = knownViolations.filter((known) => !found.some((item) => item.edge === known));
    expect(fixed, 'known violations that are gone: delete them from knownViolations').toEqual([]);
  });
});

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import { defaultPriceBookId, loadPriceBook, priceBooksDir } from './price-book-loader.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let committedText: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archbench-price-book-'));
  committedText = await readFile(path.join(repoRoot, priceBooksDir, `${defaultPriceBookId}.json`), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<BadInputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BadInputError);
  return error as BadInputError;
}

describe('loadPriceBook', () => {
  it('loads the committed book by id and by path', async () => {
    const byId = await loadPriceBook(defaultPriceBookId, repoRoot);
    expect(byId.id).toBe(defaultPriceBookId);
    expect(byId.region).toBe('us-east-1');
    const byPath = await loadPriceBook(`scenarios/price-books/${defaultPriceBookId}.json`, repoRoot);
    expect(byPath.lines['sfn.standard.transitions'].price).toBe(0.025);
  });

  it('names the file when it is missing, not JSON or invalid', async () => {
    const missing = await rejection(loadPriceBook('aws-nowhere-1999-01', repoRoot));
    expect(missing.message).toBe('price book scenarios/price-books/aws-nowhere-1999-01.json: file not found');

    const notJson = path.join(dir, 'broken.json');
    await writeFile(notJson, '{ "priceBookVersion": 1,');
    const parseError = await rejection(loadPriceBook(notJson));
    expect(parseError.message).toMatch(/^price book .*broken\.json: not valid JSON: /);
    expect(parseError.message).not.toContain('\n');

    const book = JSON.parse(committedText) as { lines: Record<string, { price: number }> };
    book.lines['lambda.requests']!.price = -1;
    const invalid = path.join(dir, 'negative.json');
    await writeFile(invalid, JSON.stringify(book));
    const invalidError = await rejection(loadPriceBook(invalid));
    expect(invalidError.message).toBe(
      `price book ${invalid}: lines["lambda.requests"].price: must be a non-negative number`,
    );
  });

  it('requires a book loaded by id to carry that id, and a safe id', async () => {
    await mkdir(path.join(dir, priceBooksDir), { recursive: true });
    await writeFile(path.join(dir, priceBooksDir, 'renamed.json'), committedText);
    const mismatch = await rejection(loadPriceBook('renamed', dir));
    expect(mismatch.message).toBe(
      `price book scenarios/price-books/renamed.json: id is "${defaultPriceBookId}", expected "renamed"`,
    );
    const unsafe = await rejection(loadPriceBook('..', dir));
    expect(unsafe.message).toBe(
      'price book id ..: must start with a letter or digit and hold only letters, digits, dot, dash or underscore',
    );
  });
});

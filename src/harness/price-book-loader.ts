import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type PriceBook, parsePriceBook } from '../core/cost/price-book.ts';
import { BadInputError } from '../core/errors.ts';
import { displayPath } from '../media/probe.ts';

/** Where committed price books live, relative to the project root. */
export const priceBooksDir = path.join('scenarios', 'price-books');

/** The price book used when a scenario names none. */
export const defaultPriceBookId = 'aws-us-east-1-2026-12';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Loads and validates a price book, by id (`aws-us-east-1-2026-11`, looked up in
 * `scenarios/price-books/` under `cwd`) or by path (anything with a slash or ending in `.json`). A book
 * loaded by id must carry that id. Any problem is one BadInputError line naming the file.
 */
export async function loadPriceBook(pathOrId: string, cwd = process.cwd()): Promise<PriceBook> {
  const byId = !pathOrId.includes('/') && !pathOrId.includes('\\') && !pathOrId.endsWith('.json');
  if (byId && !ID_PATTERN.test(pathOrId)) {
    throw new BadInputError(
      `price book id ${displayPath(pathOrId)}: must start with a letter or digit and hold only letters, digits, dot, dash or underscore`,
    );
  }
  const shownName = displayPath(byId ? path.join(priceBooksDir, `${pathOrId}.json`) : pathOrId);
  const file = byId ? path.resolve(cwd, priceBooksDir, `${pathOrId}.json`) : path.resolve(cwd, pathOrId);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`;
    throw new BadInputError(`price book ${shownName}: ${reason}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`price book ${shownName}: not valid JSON: ${reason}`);
  }
  const result = parsePriceBook(json);
  if (!result.ok) throw new BadInputError(`price book ${shownName}: ${result.error}`);
  if (byId && result.priceBook.id !== pathOrId) {
    throw new BadInputError(
      `price book ${shownName}: id is "${result.priceBook.id}", expected "${pathOrId}"`,
    );
  }
  return result.priceBook;
}

import { describe, expect, it } from 'vitest';
import committedBook from '../../../scenarios/price-books/aws-us-east-1-2026-11.json' with { type: 'json' };
import {
  monthlyCostOf,
  PRICE_LINE_UNITS,
  type PriceKey,
  parsePriceBook,
  quotaSetOf,
  sourceOfPriceKey,
  unitPriceOf,
} from './price-book.ts';
import { testPriceBook } from './test-profiles.ts';

/** A mutable deep copy of the committed book to break in one place. */
// biome-ignore lint/suspicious/noExplicitAny: the tests reach into arbitrary JSON paths to break them.
type BookJson = Record<string, any>;
function bookJson(): BookJson {
  return structuredClone(committedBook) as BookJson;
}

function errorOf(json: unknown): string {
  const result = parsePriceBook(json);
  if (result.ok) throw new Error('expected the price book to be rejected');
  return result.error;
}

describe('the committed price book', () => {
  it('parses, and every price, instance, free tier and quota names a source that cites FACTS.md', () => {
    const book = testPriceBook();
    const entries = [
      ...Object.values(book.lines),
      ...Object.values(book.ec2Instances),
      ...Object.values(book.freeTiers),
      ...Object.values(book.quotas.current),
      ...Object.values(book.quotas.legacy2019to2022),
    ];
    expect(entries.length).toBeGreaterThan(30);
    for (const entry of entries) {
      const source = book.sources[entry?.source ?? ''];
      expect(source, JSON.stringify(entry)).toBeDefined();
      expect(source?.facts).toMatch(/^FACTS\.md/);
      expect(source?.date.length).toBeGreaterThan(0);
    }
    for (const key of Object.keys(PRICE_LINE_UNITS) as PriceKey[]) {
      expect(sourceOfPriceKey(book, key)).toBeDefined();
    }
    expect(sourceOfPriceKey(book, 'ec2:c6i.xlarge')?.title).toMatch(/Infracost/);
    expect(sourceOfPriceKey(book, 'ec2:no.such')).toBeUndefined();
  });

  it('holds the FACTS.md figures as unit prices', () => {
    const { lines, ec2Instances, freeTiers } = testPriceBook();
    // $0.025 per 1,000 transitions = $0.000025 each; $0.20 per 1M Lambda requests = $0.0000002 each.
    expect(unitPriceOf(lines['sfn.standard.transitions'])).toBeCloseTo(0.000025, 12);
    expect(unitPriceOf(lines['lambda.requests'])).toBeCloseTo(0.0000002, 13);
    expect(unitPriceOf(lines['s3.requests.tier1'])).toBeCloseTo(0.000005, 12);
    expect(unitPriceOf(lines['s3.requests.tier2'])).toBeCloseTo(0.0000004, 13);
    expect(unitPriceOf(lines['sfn.express.requests'])).toBeCloseTo(0.000001, 12);
    expect(lines['lambda.duration.x86'].price).toBe(0.0000166667);
    expect(lines['lambda.duration.arm'].price).toBe(0.0000133334);
    expect(lines['fargate.x86.vcpu'].price).toBe(0.04048);
    expect(lines['fargate.arm.memory'].price).toBe(0.00356);
    expect(ec2Instances['c7g.xlarge']).toMatchObject({
      vcpus: 4,
      memoryGiB: 8,
      architecture: 'arm',
      price: 0.145,
    });
    expect(freeTiers['sfn.standard.transitions'].quantity).toBe(4000);
    expect(freeTiers['lambda.duration'].quantity).toBe(400_000);
  });

  it('applies volume tiers at the monthly quantity', () => {
    const { lines } = testPriceBook();
    // Express, 4,000 GB-h = 14,400,000 GB-s: first 1,000 GB-h = 3,600,000 GB-s x $0.00001667 = $60.012,
    // the next 10,800,000 GB-s x $0.00000833 = $89.964; total $149.976.
    expect(monthlyCostOf(lines['sfn.express.duration'], 14_400_000)).toBeCloseTo(149.976, 9);
    // Beyond 5,000 GB-h: 6,000 GB-h = 21,600,000 GB-s: $60.012 + 14,400,000 x $0.00000833 ($119.952)
    // + 3,600,000 x $0.00000456 ($16.416) = $196.38.
    expect(monthlyCostOf(lines['sfn.express.duration'], 21_600_000)).toBeCloseTo(196.38, 9);
    // Lambda x86, 7B GB-s: 6B x $0.0000166667 = $100,000.20, then 1B x $0.0000166667 x 0.9 = $15,000.03.
    expect(monthlyCostOf(lines['lambda.duration.x86'], 7e9)).toBeCloseTo(115_000.23, 4);
    // Below the first tier the base price applies: 1,000 GB-s x $0.0000166667 = $0.0166667.
    expect(monthlyCostOf(lines['lambda.duration.x86'], 1000)).toBeCloseTo(0.0166667, 10);
  });

  it('completes the legacy quota set from the current one', () => {
    const book = testPriceBook();
    const legacy = quotaSetOf(book, 'legacy2019to2022');
    expect(legacy['sfn.stateTransition'].value).toBe(1500);
    expect(quotaSetOf(book, 'current')['sfn.stateTransition'].value).toBe(5000);
    expect(legacy['sfn.startExecution.standard'].value).toBe(300);
    expect(legacy['lambda.concurrency'].value).toBe(1000);
  });
});

describe('price book validation', () => {
  it('names a missing source', () => {
    const json = bookJson();
    delete json.lines['sfn.standard.transitions'].source;
    expect(errorOf(json)).toBe('lines["sfn.standard.transitions"].source: missing (expected string)');
  });

  it('rejects a source id that the book does not list', () => {
    const json = bookJson();
    json.ec2Instances['c6i.xlarge'].source = 'a-blog-somewhere';
    expect(errorOf(json)).toBe('ec2Instances["c6i.xlarge"].source: unknown source "a-blog-somewhere"');
  });

  it('rejects a negative price', () => {
    const json = bookJson();
    json.lines['s3.requests.tier1'].price = -0.005;
    expect(errorOf(json)).toBe('lines["s3.requests.tier1"].price: must be a non-negative number');
  });

  it('rejects unknown keys, at the top and inside lines', () => {
    const json = bookJson();
    json.lines['lambda.duration.risc-v'] = { price: 1, unit: 'GB-second', source: 'aws-sfn-pricing' };
    expect(errorOf(json)).toBe('lines: unknown key "lambda.duration.risc-v"');
    const top = bookJson();
    top.discounts = {};
    expect(errorOf(top)).toBe('unknown key "discounts"');
  });

  it('rejects a wrong unit, a missing line and tiers that do not ascend', () => {
    const unit = bookJson();
    unit.lines['lambda.requests'].unit = 'GB-second';
    expect(errorOf(unit)).toBe('lines["lambda.requests"].unit: must be "request"');
    const missing = bookJson();
    delete missing.lines['fargate.arm.vcpu'];
    expect(errorOf(missing)).toBe('lines["fargate.arm.vcpu"]: missing (expected object)');
    const tiers = bookJson();
    tiers.lines['sfn.express.duration'].tiers[1].above = 500;
    expect(errorOf(tiers)).toBe('lines["sfn.express.duration"].tiers[1].above: tiers must ascend');
  });

  it('rejects a free tier that applies to an unknown price key, and a quota without a positive value', () => {
    const freeTier = bookJson();
    freeTier.freeTiers['lambda.requests'].appliesTo = ['lambda.invocations'];
    expect(errorOf(freeTier)).toBe(
      'freeTiers["lambda.requests"].appliesTo[0]: unknown price key "lambda.invocations"',
    );
    const quota = bookJson();
    quota.quotas.legacy2019to2022['sfn.stateTransition'].value = 0;
    expect(errorOf(quota)).toBe(
      'quotas.legacy2019to2022["sfn.stateTransition"].value: must be a positive number',
    );
  });

  it('keeps every error on one line', () => {
    expect(errorOf(null)).not.toContain('\n');
    expect(errorOf({ priceBookVersion: 2 })).toBe('priceBookVersion: must be 1');
  });
});

import { z } from 'zod';

/**
 * The price book: versioned data (one JSON file per provider, Region and date under
 * `scenarios/price-books/`) holding every price, free tier and quota the cost model uses, each with the
 * source it was taken from. Validated once, here; the cost model reads only validated books. A price
 * change is then a data change with its own version, apart from any code change.
 *
 * Shape: `lines` (a fixed set of price keys, one per billing dimension), `ec2Instances` (open set of
 * instance types), `freeTiers`, `quotas.current` and `quotas.legacy2019to2022` (overrides of the current
 * set), and `sources` that every entry names by id.
 */

/** Price keys the cost model reads, each with the unit its price is quoted in. */
export const PRICE_LINE_UNITS = {
  'sfn.standard.transitions': 'state transition',
  'sfn.express.requests': 'request',
  'sfn.express.duration': 'GB-second',
  'lambda.requests': 'request',
  'lambda.duration.x86': 'GB-second',
  'lambda.duration.arm': 'GB-second',
  's3.storage.standard': 'GB-month',
  's3.requests.tier1': 'request',
  's3.requests.tier2': 'request',
  's3.requests.delete': 'request',
  'transfer.s3.sameRegion': 'GB',
  'transfer.crossAz': 'GB',
  'fargate.x86.vcpu': 'vCPU-hour',
  'fargate.x86.memory': 'GB-hour',
  'fargate.arm.vcpu': 'vCPU-hour',
  'fargate.arm.memory': 'GB-hour',
} as const;

export type PriceKey = keyof typeof PRICE_LINE_UNITS;

/** Free-tier allowances the cost model applies when free tiers are on. */
export const FREE_TIER_KEYS = ['sfn.standard.transitions', 'lambda.requests', 'lambda.duration'] as const;
export type FreeTierKey = (typeof FREE_TIER_KEYS)[number];

/** Quotas the headroom calculation reads. */
export const QUOTA_KEYS = [
  'sfn.stateTransition',
  'sfn.startExecution.standard',
  'sfn.startExecution.express',
  'sfn.getActivityTask',
  'sfn.sendTask',
  'lambda.concurrency',
  's3.prefix.writes',
  's3.prefix.reads',
] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

export type QuotaSetName = 'current' | 'legacy2019to2022';

/** Tier thresholds may be quoted in a larger unit than the price (Express: GB-hours); factor to convert. */
const TIER_UNIT_FACTORS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'GB-hour': { 'GB-second': 3600 },
};

const price = z.number().min(0, 'must be a non-negative number');
const sourceId = z.string().min(1, 'must name a source');
const note = z.string().optional();

const sourceSchema = z
  .object({
    title: z.string().min(1),
    url: z.string().min(1).optional(),
    /** When the figures were valid or published, as the source states it. */
    date: z.string().min(1),
    /** Where in FACTS.md the figures were transcribed from. */
    facts: z.string().min(1),
  })
  .strict();

const tierSchema = z
  .object({
    /** Monthly quantity (in `aboveUnit`) above which this tier's price applies. */
    above: z.number().positive('must be a positive number'),
    aboveUnit: z.string().min(1),
    price: price.optional(),
    /** Discount on the line's base price, percent (Lambda: "-10% above 6B GB-s"). */
    discountPercent: z.number().min(0).max(100).optional(),
    note,
  })
  .strict()
  .refine((tier) => (tier.price === undefined) !== (tier.discountPercent === undefined), {
    message: 'give exactly one of price and discountPercent',
  });

function lineSchema(unit: string) {
  return z
    .object({
      /** Price in `currency` per `per` units. */
      price,
      /** How many units the price is quoted for (e.g. 1000 transitions). */
      per: z.number().positive('must be a positive number').default(1),
      unit: z.literal(unit, { error: `must be "${unit}"` }),
      source: sourceId,
      note,
      /** Monthly volume tiers, ascending; the base price applies below the first. */
      tiers: z.array(tierSchema).optional(),
    })
    .strict();
}

/** Lines a book may leave out (the cost model prices none of them). */
const OPTIONAL_LINES: ReadonlySet<PriceKey> = new Set(['transfer.crossAz']);

const lineShape = Object.fromEntries(
  Object.entries(PRICE_LINE_UNITS).map(([key, unit]) => [
    key,
    OPTIONAL_LINES.has(key as PriceKey) ? lineSchema(unit).optional() : lineSchema(unit),
  ]),
) as { [K in PriceKey]: ReturnType<typeof lineSchema> };

const instanceSchema = z
  .object({
    vcpus: z.number().int().positive('must be a positive integer'),
    memoryGiB: z.number().positive('must be a positive number'),
    architecture: z.enum(['x86', 'arm']),
    price,
    per: z.number().positive().default(1),
    unit: z.literal('instance-hour', { error: 'must be "instance-hour"' }),
    source: sourceId,
    note,
  })
  .strict();

const freeTierSchema = z
  .object({
    quantity: z.number().min(0, 'must be a non-negative number'),
    unit: z.string().min(1),
    period: z.literal('month'),
    appliesTo: z.array(z.string()).min(1),
    source: sourceId,
    note,
  })
  .strict();

const quotaSchema = z
  .object({
    /** Sustained rate (per second) or, for concurrency, the number of concurrent executions. */
    value: z.number().positive('must be a positive number'),
    /** Token bucket size (bursts), where the quota is a token bucket. */
    bucket: z.number().positive().optional(),
    unit: z.string().min(1),
    scope: z.string().min(1),
    source: sourceId,
    note,
  })
  .strict();

/** The CPU/memory pairs a Fargate task may have (a task is billed for its size, not for its use). */
const fargateTaskSizesSchema = z
  .object({
    source: sourceId,
    note,
    sizes: z
      .array(
        z
          .object({
            vcpus: z.number().positive('must be a positive number'),
            /** Memory sizes allowed with this CPU, GiB, ascending. */
            memoryGiB: z.array(z.number().positive()).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const percentFact = z.object({ value: z.number().min(0).max(100), source: sourceId, note }).strict();

/** Commitment discounts, as ceilings for a sensitivity range (never applied as one assumed figure). */
const savingsPlansSchema = z
  .object({
    computeMaxPercent: percentFact,
    ec2InstanceMaxPercent: percentFact,
    fargateMaxPercent: percentFact,
    lambdaDurationMaxPercent: percentFact,
  })
  .strict();

const quotaSetShape = Object.fromEntries(QUOTA_KEYS.map((key) => [key, quotaSchema])) as {
  [K in QuotaKey]: typeof quotaSchema;
};
const freeTierShape = Object.fromEntries(FREE_TIER_KEYS.map((key) => [key, freeTierSchema])) as {
  [K in FreeTierKey]: typeof freeTierSchema;
};

const priceBookSchema = z
  .object({
    priceBookVersion: z.literal(1, { error: 'must be 1' }),
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, dot, dash or underscore'),
    region: z.string().min(1),
    currency: z.literal('USD', { error: 'must be "USD"' }),
    effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
    note,
    sources: z.record(z.string(), sourceSchema),
    lines: z.object(lineShape).strict(),
    ec2Instances: z.record(z.string(), instanceSchema),
    /** Absent in books before 2026-12: Fargate is then billed for exactly the vCPU and GB needed. */
    fargateTaskSizes: fargateTaskSizesSchema.optional(),
    savingsPlans: savingsPlansSchema.optional(),
    freeTiers: z.object(freeTierShape).strict(),
    quotas: z
      .object({
        current: z.object(quotaSetShape).strict(),
        legacy2019to2022: z.object(quotaSetShape).partial().strict(),
      })
      .strict(),
  })
  .strict();

/** A validated price book. */
export type PriceBook = Readonly<z.output<typeof priceBookSchema>>;
export type PriceLine = z.output<ReturnType<typeof lineSchema>>;
export type PriceTier = z.output<typeof tierSchema>;
export type Ec2Instance = z.output<typeof instanceSchema>;
export type FreeTier = z.output<typeof freeTierSchema>;
export type Quota = z.output<typeof quotaSchema>;
export type PriceSource = z.output<typeof sourceSchema>;
export type FargateTaskSizes = z.output<typeof fargateTaskSizesSchema>;
export type SavingsPlans = z.output<typeof savingsPlansSchema>;

export type PriceBookResult = { ok: true; priceBook: PriceBook } | { ok: false; error: string };

/** `lines["sfn.standard.transitions"].source`: dotted keys bracketed so the path stays unambiguous. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

function fail(path: readonly PropertyKey[], message: string): PriceBookResult {
  const where = formatPath(path);
  return { ok: false, error: `${where === '' ? '' : `${where}: `}${message}`.replace(/\s+/g, ' ') };
}

/**
 * Validates a parsed price book JSON value. The error is one line naming the field (`lines["s3.requests
 * .tier1"].price: must be a non-negative number`). Beyond the schema it checks references: every
 * `source` names an entry of `sources`, free tiers apply to known price keys, tiers ascend and their
 * units convert to the line's unit.
 */
export function parsePriceBook(json: unknown): PriceBookResult {
  const parsed = priceBookSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue === undefined) return { ok: false, error: 'invalid price book' };
    if (issue.code === 'unrecognized_keys') {
      return fail(issue.path, `unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`);
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return fail(issue.path, `missing (expected ${issue.expected})`);
    }
    return fail(issue.path, issue.message);
  }
  const book = parsed.data;
  const knownSource = (id: string): boolean => Object.hasOwn(book.sources, id);

  for (const [key, line] of Object.entries(book.lines) as [PriceKey, PriceLine | undefined][]) {
    if (line === undefined) continue;
    if (!knownSource(line.source)) return fail(['lines', key, 'source'], `unknown source "${line.source}"`);
    let previous = 0;
    for (const [index, tier] of (line.tiers ?? []).entries()) {
      const factor = tierUnitFactor(tier.aboveUnit, line.unit);
      if (factor === undefined) {
        return fail(['lines', key, 'tiers', index, 'aboveUnit'], `cannot convert to "${line.unit}"`);
      }
      if (tier.above * factor <= previous) {
        return fail(['lines', key, 'tiers', index, 'above'], 'tiers must ascend');
      }
      previous = tier.above * factor;
    }
  }
  for (const [type, instance] of Object.entries(book.ec2Instances)) {
    if (!knownSource(instance.source)) {
      return fail(['ec2Instances', type, 'source'], `unknown source "${instance.source}"`);
    }
  }
  if (book.fargateTaskSizes !== undefined && !knownSource(book.fargateTaskSizes.source)) {
    return fail(['fargateTaskSizes', 'source'], `unknown source "${book.fargateTaskSizes.source}"`);
  }
  for (const [key, fact] of Object.entries(book.savingsPlans ?? {})) {
    if (!knownSource(fact.source))
      return fail(['savingsPlans', key, 'source'], `unknown source "${fact.source}"`);
  }
  for (const [key, tier] of Object.entries(book.freeTiers) as [FreeTierKey, FreeTier][]) {
    if (!knownSource(tier.source))
      return fail(['freeTiers', key, 'source'], `unknown source "${tier.source}"`);
    for (const [index, target] of tier.appliesTo.entries()) {
      if (!Object.hasOwn(PRICE_LINE_UNITS, target)) {
        return fail(['freeTiers', key, 'appliesTo', index], `unknown price key "${target}"`);
      }
      if (PRICE_LINE_UNITS[target as PriceKey] !== tier.unit) {
        return fail(['freeTiers', key, 'unit'], `must match the unit of "${target}"`);
      }
    }
  }
  for (const setName of ['current', 'legacy2019to2022'] as const) {
    for (const [key, quota] of Object.entries(book.quotas[setName])) {
      if (quota !== undefined && !knownSource(quota.source)) {
        return fail(['quotas', setName, key, 'source'], `unknown source "${quota.source}"`);
      }
    }
  }
  return { ok: true, priceBook: book };
}

function tierUnitFactor(from: string, to: string): number | undefined {
  if (from === to) return 1;
  return TIER_UNIT_FACTORS[from]?.[to];
}

/** The price of one unit of a line (`price / per`), USD; the base tier for tiered lines. */
export function unitPriceOf(line: { readonly price: number; readonly per: number }): number {
  return line.price / line.per;
}

/**
 * Cost of `quantity` units of a line in one month, USD, with the line's volume tiers applied at that
 * monthly quantity (each tier prices only the units above its threshold).
 */
export function monthlyCostOf(line: PriceLine, quantity: number): number {
  const base = unitPriceOf(line);
  const bands = (line.tiers ?? []).map((tier) => ({
    from: tier.above * (tierUnitFactor(tier.aboveUnit, line.unit) ?? 1),
    unitPrice:
      tier.price !== undefined ? tier.price / line.per : base * (1 - (tier.discountPercent ?? 0) / 100),
  }));
  let cost = 0;
  let from = 0;
  let unitPrice = base;
  for (const band of bands) {
    if (quantity <= band.from) break;
    cost += (band.from - from) * unitPrice;
    from = band.from;
    unitPrice = band.unitPrice;
  }
  return cost + Math.max(0, quantity - from) * unitPrice;
}

/** An EC2 instance type from the book; `undefined` when the book does not list it. */
export function ec2InstanceOf(book: PriceBook, type: string): Ec2Instance | undefined {
  return Object.hasOwn(book.ec2Instances, type) ? book.ec2Instances[type] : undefined;
}

/** The price key of an EC2 instance type as cost lines carry it (`ec2:c6i.xlarge`). */
export function ec2PriceKey(type: string): string {
  return `ec2:${type}`;
}

/**
 * The source of a cost line's price key (a `PriceKey` or `ec2:<type>`), for tracing a dollar figure back
 * to where its price was taken from. `undefined` for an unknown key.
 */
export function sourceOfPriceKey(book: PriceBook, priceKey: string): PriceSource | undefined {
  let sourceKey: string | undefined;
  if (priceKey.startsWith('ec2:')) sourceKey = ec2InstanceOf(book, priceKey.slice(4))?.source;
  else if (Object.hasOwn(book.lines, priceKey)) sourceKey = book.lines[priceKey as PriceKey].source;
  return sourceKey === undefined ? undefined : book.sources[sourceKey];
}

/**
 * A complete quota set. The legacy (2019 to mid-2022) set lists only what differed (the StateTransition
 * refill); every other quota is taken from the current set, since FACTS.md records no older value for it.
 */
export function quotaSetOf(book: PriceBook, set: QuotaSetName): Readonly<Record<QuotaKey, Quota>> {
  if (set === 'current') return book.quotas.current;
  const merged: Record<QuotaKey, Quota> = { ...book.quotas.current };
  for (const key of QUOTA_KEYS) {
    const override = book.quotas.legacy2019to2022[key];
    if (override !== undefined) merged[key] = override;
  }
  return merged;
}

import { describe, expect, it } from 'vitest';
import { priceMonolith, resolveCostOptions } from '../core/cost/cost-model.ts';
import { monolithProfile, testPriceBook } from '../core/cost/test-profiles.ts';
import { monolithHostingOf } from './case-narrative.ts';

describe('monolithHostingOf', () => {
  it('names the clones when the monolith runs as more than one', () => {
    const hostingWith = (clones: number, hosting: 'ec2' | 'fargate'): string => {
      const options = resolveCostOptions({ monolith: { hosting, clones } });
      if (!options.ok) throw new Error(options.error);
      return monolithHostingOf(priceMonolith(monolithProfile(), testPriceBook(), options.options));
    };
    expect(hostingWith(1, 'ec2')).toBe('EC2, 1 x c6i.xlarge');
    expect(hostingWith(3, 'ec2')).toBe('EC2, 3 x c6i.xlarge, 3 clones');
    expect(hostingWith(2, 'fargate')).toBe('Fargate, 2 clones');
  });
});

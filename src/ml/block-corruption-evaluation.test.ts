import { describe, expect, it } from 'vitest';
import { blockCorruptionDetectorFromArgs } from './block-corruption-evaluation.ts';

describe("blockCorruptionDetectorFromArgs (the evaluation scripts' --param)", () => {
  const paramsOf = (args: string[], overrides = {}) => {
    const result = blockCorruptionDetectorFromArgs(args, overrides);
    if (!result.ok) throw new Error(result.error);
    return result.detector.params as Record<string, unknown>;
  };

  it('puts each --param name=value over the defaults, values as JSON, other arguments ignored', () => {
    const defaults = paramsOf([]);
    expect(defaults.minDecodeDamage).toBe(0.75);
    const params = paramsOf([
      '--set',
      'calibration',
      '--param',
      'minDecodeDamage=1.5',
      'clip-id',
      '--param',
      'decoderErrors=false',
    ]);
    expect(params).toEqual({ ...defaults, minDecodeDamage: 1.5, decoderErrors: false });
    expect(paramsOf(['--param', 'minDecodeDamage=0'], { decoderErrors: false })).toMatchObject({
      minDecodeDamage: 0,
      decoderErrors: false,
    });
  });

  it('explains a malformed, unknown or invalid parameter instead of running', () => {
    const error = (args: string[]) => {
      const result = blockCorruptionDetectorFromArgs(args);
      return result.ok ? undefined : result.error;
    };
    expect(error(['--param', 'minDecodeDamage'])).toMatch(/expected name=value/);
    expect(error(['--param', 'minDecodeDamage=half'])).toMatch(/expected name=value/);
    expect(error(['--param'])).toMatch(/needs name=value/);
    expect(error(['--param', 'noSuchThing=1'])).toMatch(/unknown parameter "noSuchThing"/);
    expect(error(['--param', 'minDecodeDamage=-1'])).toMatch(/minDecodeDamage must be/);
  });
});

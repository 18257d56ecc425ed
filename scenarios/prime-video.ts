import { defineScenario } from '../src/harness/scenario.ts';

// The default: the shape Prime Video described (FACTS.md). Every detector, 1 s chunks (one workflow per
// stream-second), one S3 object per frame, Standard workflows. The post gives no stream count; "thousands
// of streams" is projected here as 1,000 live streams around the clock, a parameter, not a fact.
export default defineScenario({
  description:
    'Prime Video audio/video monitoring as first built: Step Functions Standard per stream-second, one S3 object per frame, every detector; 1,000 live streams.',
  clips: {
    fixtures: [
      'clean',
      'freeze',
      'black',
      'silence',
      'av-offset-audio-late',
      'block-corruption',
      'multi-defect',
    ],
  },
  // Prime Video's first design, then the serverless designs a competent team would build instead; each is
  // run on every clip (src/harness/designs.ts).
  designs: ['sfn-per-second', 'sfn-express-batched', 'function-per-chunk'],
  overrides: { decode: { chunkSeconds: 1 }, distributed: { framesPerObject: 1 } },
  // The monolith serves many streams per process: sized from runs of 1, 2, 4 and 8 streams in one process.
  monolithStreams: [1, 2, 4, 8],
  priceBook: 'aws-us-east-1-2026-12',
  cost: {
    load: { streams: 1000, hoursPerMonth: 730, dutyCycle: 1 },
    freeTier: false,
    workflow: 'standard',
    monolith: { hosting: 'ec2', targetUtilization: 0.7 },
  },
  headroom: { taskIntegration: 'lambda', s3Prefixes: 'per-stream' },
  breakEven: { streams: { min: 1, max: 5000 }, dutyCycle: { min: 0.005, max: 1 } },
  whatIfs: { dropDetectors: ['block-corruption'], framesPerObject: 25 },
});

import { defineScenario } from '../src/harness/scenario.ts';

// The cheapest fix inside the distributed design: the converter writes a chunk's 25 frames as one object.
export default defineScenario({
  description: 'Prime Video shape with frames batched: one S3 object per 25 frames instead of one per frame.',
  clips: { fixtures: ['clean', 'freeze', 'black', 'silence', 'multi-defect'] },
  overrides: { distributed: { framesPerObject: 25 } },
  cost: { load: { streams: 1000 }, monolith: { hosting: 'ec2' } },
});

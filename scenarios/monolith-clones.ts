import { defineScenario } from '../src/harness/scenario.ts';

// Prime Video's next step once one monolith instance was not enough: clones of the whole service, each with
// a subset of the detectors, behind a light dispatcher. Every clone decodes the stream again, so the
// monolith pays that decode once per clone; the distributed side is the default scenario's.
export default defineScenario({
  description:
    'Prime Video shape against three monolith clones, the detectors split between them (each clone decodes the stream itself).',
  clips: { fixtures: ['clean', 'freeze', 'black', 'silence', 'multi-defect'] },
  overrides: { monolith: { clones: 3, partition: 'detectors' } },
  cost: { load: { streams: 1000 }, monolith: { hosting: 'ec2' } },
});

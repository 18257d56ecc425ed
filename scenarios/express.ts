import { defineScenario } from '../src/harness/scenario.ts';

// Express workflows bill requests and GB-seconds instead of state transitions.
export default defineScenario({
  description:
    'Prime Video shape priced as Express workflows (requests and duration instead of transitions).',
  clips: { fixtures: ['clean', 'freeze', 'black', 'silence', 'multi-defect'] },
  cost: { load: { streams: 1000 }, workflow: 'express', monolith: { hosting: 'ec2' } },
});

import { defineScenario } from '../src/harness/scenario.ts';

// Where serverless should win: a couple of streams analysed a small part of the day, free tiers on, and a
// monolith that must keep one whole EC2 instance running all month (on Fargate the smallest task, 0.25 vCPU
// and 0.5 GB, would be the floor). Every serverless design is measured, as in the default scenario.
export default defineScenario({
  description:
    'A small project: 2 streams live 5% of the time, free tiers on, monolith on one always-on EC2 instance.',
  clips: { fixtures: ['clean', 'freeze', 'silence'] },
  designs: ['sfn-per-second', 'sfn-express-batched', 'function-per-chunk'],
  priceBook: 'aws-us-east-1-2026-12',
  cost: {
    load: { streams: 2, hoursPerMonth: 730, dutyCycle: 0.05 },
    freeTier: true,
    workflow: 'standard',
    monolith: { hosting: 'ec2', provisioning: 'always-on', targetUtilization: 0.7 },
  },
  breakEven: { streams: { min: 1, max: 200 }, dutyCycle: { min: 0.005, max: 1 } },
});

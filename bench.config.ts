import { defineConfig } from './src/harness/config.ts';

// The defaults, spelled out, plus this repository's gate bounds. Every field is optional; see
// src/harness/config.ts for units and meaning.
export default defineConfig({
  fixturesDir: 'fixtures/clips',
  reportsDir: 'reports',
  decode: { chunkSeconds: 1, analysisWidth: 320, sampleRate: 16000 },
  backend: { name: 'embedded' },
  s3: { bucket: 'archbench' },
  gate: {
    // Counts are compared exactly. Compute-derived dollars come from wall-clock task durations and CPU
    // seconds; on the shared 2-core CI machines they moved by up to 38% between two runs of an unchanged
    // tree (Lambda GB-s of the distributed design), and by 124% while another job loaded the machine
    // (a baseline from a quiet machine), so the bound here is 150%. On a dedicated runner the default
    // (35%) is tighter.
    computeCostTolerancePercent: 150,
    savingsFloorPercent: 50,
  },
});

import { defineConfig } from './src/harness/config.ts';

// The defaults, spelled out. Every field is optional; see src/harness/config.ts for units and meaning.
export default defineConfig({
  fixturesDir: 'fixtures/clips',
  reportsDir: 'reports',
  decode: { chunkSeconds: 1, analysisWidth: 320, sampleRate: 16000 },
  s3: { backend: 'embedded', bucket: 'archbench' },
});

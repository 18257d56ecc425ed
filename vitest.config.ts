import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two runs, one switch: `npm test` runs every `*.test.ts` but the slow ones, named `*.slow.test.ts` (the
 * model rebuild, the 10-minute fixture, the natural-footage evaluation, the fault matrix); `npm run
 * test:full` sets ARCHBENCH_SLOW=1, which runs those files too and the slow cases of other files (tests
 * read it through `slowTestsEnabled` in src/harness/test-fixtures.ts).
 */
const slowTestsEnabled = process.env.ARCHBENCH_SLOW === '1';

export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, ...(slowTestsEnabled ? [] : ['**/*.slow.test.ts'])],
    // Vitest runs one file at a time on 2 cores (cores - 1); the tests mostly wait on their child processes
    // (ffmpeg, the embedded servers, pool workers), so two files at once use the second core.
    maxWorkers: 2,
    // A test without its own timeout may take 30 s on the shared machine (5 s failed an Ajv compile there).
    testTimeout: 30_000,
  },
});

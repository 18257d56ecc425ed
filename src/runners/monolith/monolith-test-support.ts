import { fixturePath, fixturesForTests } from '../../harness/test-fixtures.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import { startTestS3, type TestS3, testContext } from '../distributed/distributed-test-support.ts';
import type { ClipRun, RunnerContext } from '../runner.ts';
import { createMonolithRunner } from './monolith-runner.ts';

/**
 * What the monolith's tests compare against: fixture clips probed and run once through the single
 * in-process monolith, with the embedded S3 server they ran against. Shared by the tests only.
 */
export interface MonolithReference extends AsyncDisposable {
  readonly s3: TestS3;
  readonly context: RunnerContext;
  /** Children alive once the S3 server runs and before anything under test starts. */
  readonly childrenBefore: number;
  /** The probed clip of a fixture id. */
  clipOf(id: string): MediaInfo;
  /** The single monolith's run of a fixture id. */
  referenceOf(id: string): ClipRun;
}

export async function startMonolithReference(ids: readonly string[]): Promise<MonolithReference> {
  const fixtures = await fixturesForTests();
  const s3 = await startTestS3();
  const context = testContext(s3);
  const childrenBefore = liveChildCount();
  const clips = new Map<string, MediaInfo>();
  const runs = new Map<string, ClipRun>();
  for (const id of ids) clips.set(id, await probeMedia(fixturePath(fixtures, id)));
  const clipOf = (id: string): MediaInfo => {
    const clip = clips.get(id);
    if (clip === undefined) throw new Error(`clip ${id} not probed`);
    return clip;
  };
  {
    await using single = await createMonolithRunner(context);
    for (const id of ids) runs.set(id, await single.runClip(clipOf(id)));
  }
  return {
    s3,
    context,
    childrenBefore,
    clipOf,
    referenceOf(id) {
      const run = runs.get(id);
      if (run === undefined) throw new Error(`no reference run of ${id}`);
      return run;
    },
    [Symbol.asyncDispose]: () => s3[Symbol.asyncDispose](),
  };
}

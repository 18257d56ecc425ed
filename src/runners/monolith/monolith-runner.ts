import { type ClipRunner, type RunnerContext, resultsKeyFor } from '../runner.ts';
import { runMonolithClip } from './monolith-clip.ts';
import { createClonedMonolithRunner } from './monolith-clones.ts';

/**
 * The monolith: one process, one ffmpeg decode per clip, every detector on the in-memory chunk, and one
 * results object per clip written to S3. This is the shape Prime Video moved to. With
 * `context.monolith.clones` above 1 it becomes what they did next: N clones behind a dispatcher
 * (monolith-clones.ts), each running this same clip analysis in its own process.
 */
export async function createMonolithRunner(context: RunnerContext): Promise<ClipRunner> {
  if ((context.monolith?.clones ?? 1) > 1) return createClonedMonolithRunner(context);
  return {
    name: 'monolith',
    runClip: (clip) =>
      runMonolithClip(clip, {
        ...context,
        resultsKey: resultsKeyFor('monolith', context.runId, clip),
        results: {},
      }),
    async [Symbol.asyncDispose]() {
      // Nothing outlives a clip: the decoder and the S3 client are scoped to runClip.
    },
  };
}

import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  fullHistory,
  ROLE_ARN,
  startTestWorker,
  type WorkerAnswer,
  waitForEnd,
} from '../sfn-test-support.ts';
import { type ConformanceCase, type Replay, reduceEvent } from './conformance-case.ts';

/** The placeholder the cases use for the activity ARN (LocalStack's snapshot transformer wrote it). */
const ACTIVITY_PLACEHOLDER = 'activity_arn';

/**
 * Runs one case through a Step Functions endpoint with `@aws-sdk/client-sfn`, as a client of AWS would:
 * creates the state machine (and the activity with its worker, if the case has one), starts the
 * execution with the recorded input, waits for its end and reads its history. Cleans up after itself.
 */
export async function replayCase(sfn: SFNClient, testCase: ConformanceCase): Promise<Replay> {
  const name = `conformance-${testCase.id}`.slice(0, 80);
  let definitionText = JSON.stringify(testCase.definition);
  let activityArn: string | undefined;
  if (testCase.workers !== undefined) {
    const created = await sfn.send(new CreateActivityCommand({ name }));
    activityArn = created.activityArn ?? '';
    definitionText = definitionText.replaceAll(ACTIVITY_PLACEHOLDER, activityArn);
    if (testCase.workers.answer === 'deleted') await sfn.send(new DeleteActivityCommand({ activityArn }));
  }
  const workers = testCase.workers;
  const worker =
    activityArn === undefined || workers === undefined || workers.answer === 'deleted'
      ? undefined
      : startTestWorker(sfn, activityArn, workers.workerName ?? '', (input): WorkerAnswer => {
          if (workers.answer === 'echo') return { output: input };
          if (workers.answer === 'fail') return { error: workers.error ?? '', cause: JSON.stringify(input) };
          return 'hold';
        });
  const machine = await sfn.send(
    new CreateStateMachineCommand({ name, definition: definitionText, roleArn: ROLE_ARN }),
  );
  const stateMachineArn = machine.stateMachineArn ?? '';
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: testCase.input }));
    const executionArn = started.executionArn ?? '';
    const end = await waitForEnd(sfn, executionArn, 20_000);
    const history = await fullHistory(sfn, executionArn);
    const events = history.map((event) => reduceEvent(event as unknown as Record<string, unknown>));
    return {
      status: end.status ?? 'UNKNOWN',
      outputText: end.output,
      error: end.error,
      // The placeholder stands where AWS named its activity.
      cause: activityArn === undefined ? end.cause : end.cause?.replaceAll(activityArn, ACTIVITY_PLACEHOLDER),
      events,
    };
  } finally {
    await worker?.stop();
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    if (activityArn !== undefined && workers?.answer !== 'deleted') {
      await sfn.send(new DeleteActivityCommand({ activityArn }));
    }
  }
}

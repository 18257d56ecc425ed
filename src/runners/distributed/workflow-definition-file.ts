/**
 * The committed `workflow.asl.json`: the workflow for every registered detector with the default task
 * policy and activity ARNs in a fixed example account, so a reviewer sees what runs without starting
 * anything. A test regenerates it and compares; after adding a detector, rewrite it with
 * `npm run regen:workflow`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { detectorNames } from '../../core/detectors/registry.ts';
import { defaultDistributedSettings } from './distributed-settings.ts';
import {
  type AslDefinition,
  buildWorkflowDefinition,
  exampleAccountActivityArns,
} from './state-machine-definition.ts';

/** Absolute path of the committed definition. */
export const workflowFilePath = fileURLToPath(new URL('./workflow.asl.json', import.meta.url));

/** The definition the committed file must hold. */
export function committedWorkflowDefinition(): AslDefinition {
  return buildWorkflowDefinition(
    detectorNames,
    exampleAccountActivityArns(detectorNames),
    defaultDistributedSettings,
  );
}

/** The file's text: 2-space JSON with a final newline (the formatter's style for JSON). */
export function workflowFileText(): string {
  return `${JSON.stringify(committedWorkflowDefinition(), null, 2)}\n`;
}

if (import.meta.main) {
  await writeFile(workflowFilePath, workflowFileText());
  process.stdout.write(`wrote ${workflowFilePath}\n`);
}

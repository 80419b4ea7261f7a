import { createLogger, jobNames, Queue, type JobHandler, type JobHandlers, type JobName, type JobPayload, type QueueOptions } from '@sohoa/shared';

export interface Call { job: JobName; payload: unknown; reason?: string }

/**
 * A job catalogue for queue tests: every kind is a handler that records its runs and give-ups; `behave` overrides
 * one kind's run (throw, hang, succeed).
 */
export function recordingHandlers(behave: Partial<{ [N in JobName]: (payload: JobPayload<N>) => Promise<void> }> = {}) {
  const runs: Call[] = [];
  const givenUp: Call[] = [];
  const handlers: JobHandlers = {};
  for (const name of jobNames) {
    const handler: JobHandler<JobName> = {
      async run(payload) {
        runs.push({ job: name, payload });
        await (behave[name] as ((p: unknown) => Promise<void>) | undefined)?.(payload);
        return { status: 'done' };
      },
      async giveUp(payload, reason) {
        givenUp.push({ job: name, payload, reason });
      },
    };
    (handlers as Record<JobName, JobHandler<JobName>>)[name] = handler;
  }
  return { handlers, runs, givenUp };
}

/** Run as a child process (`node --import tsx queue-harness.ts`): a worker whose ocr.page handler never returns, to be killed. */
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const options = JSON.parse(process.env.QUEUE_OPTIONS!) as QueueOptions;
  const log = createLogger('warn');
  const queue = await Queue.start(options, log);
  const { handlers } = recordingHandlers({
    'ocr.page': async ({ pageId }) => {
      console.log(`ACTIVE ${pageId}`);
      await new Promise(() => {}); // holds the job until the process is killed
    },
  });
  await queue.work(handlers, {}, log);
  console.log('WORKING');
}

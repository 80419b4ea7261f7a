import { Piscina } from 'piscina';
import { bundleSource } from '@sohoa/shared';
import { SignerError } from '../errors.ts';
import type { FinishTask, PrepareTask, PreparedSignature, SignAnswer, SignerFailure, SignTask } from './sign-thread.ts';

/**
 * A signature's CPU off the event loop: one piscina thread per process (services/signer/src/threads/sign-thread.ts)
 * reads and updates the PDF, draws the visible box and assembles the CMS, about 240 ms a signature that held the
 * event loop up to 300 ms at a time. It starts on the first signature and ends after a minute without one, so a
 * process that never signs pays nothing. On Linux the thread can run at a lower CPU priority (nice, per thread), as
 * the OCR threads do (OCR_THREAD_NICE), so signing yields the cores to the API. The key never comes here.
 */
let nice = 0;
let pool: Promise<Piscina<SignTask, SignAnswer>> | null = null;

/** The niceness of the signing thread from now on (OCR_THREAD_NICE); a thread already running keeps its own. */
export function setSignThreadNice(value: number): void {
  nice = process.platform === 'linux' ? Math.max(0, Math.floor(value)) : 0;
  const old = pool;
  pool = null;
  void old?.then((started) => started.destroy());
}

let tasksRun = 0;
/** Signing tasks the thread has answered in this process, for a test to see that it ran them. */
export function signThreadTasksRun(): number {
  return tasksRun;
}

function failed(answer: SignAnswer): answer is SignerFailure {
  return typeof answer === 'object' && 'failed' in answer;
}

async function runInThread(task: SignTask, transferList?: ArrayBuffer[]): Promise<SignAnswer> {
  // Bundled into plain JavaScript when the pool starts, so the thread carries no TypeScript loader (shared/src/source-bundle.mjs).
  pool ??= bundleSource(new URL('./sign-thread.ts', import.meta.url)).then((taskBundle) => new Piscina<SignTask, SignAnswer>({
    filename: new URL('./sign-thread.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 60_000,
    workerData: { nice, taskBundle },
  }));
  const answer = await (await pool).run(task, { transferList });
  tasksRun++;
  if (failed(answer)) throw new SignerError(answer.failed.code, answer.failed.message);
  return answer;
}

/** The PDF with its signature placeholders, the byte range filled and digested, and what the key must sign. */
export async function prepareInThread(task: Omit<PrepareTask, 'kind'>): Promise<PreparedSignature> {
  return (await runInThread({ kind: 'prepare', ...task })) as PreparedSignature;
}

/** The signed PDF. `task.bytes` is handed to the thread (its buffer is detached here). */
export async function finishInThread(task: Omit<FinishTask, 'kind'>): Promise<Uint8Array> {
  const buffer = task.bytes.buffer as ArrayBuffer;
  const whole = task.bytes.byteOffset === 0 && task.bytes.byteLength === buffer.byteLength;
  return (await runInThread({ kind: 'finish', ...task }, whole ? [buffer] : undefined)) as Uint8Array;
}

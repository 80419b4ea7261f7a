// A worker thread does not inherit the main thread's TypeScript loader: it registers its own, then loads the task.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./page-thread.ts');
export default run;

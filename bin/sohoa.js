#!/usr/bin/env node
// The workspaces ship TypeScript source; tsx loads it so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

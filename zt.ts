import { createConfig, lintFromString } from '@redocly/openapi-core';
import fs from 'node:fs';
const config = await createConfig({ extends: ['recommended-strict'] } as any);
const problems = await lintFromString({ source: fs.readFileSync('/tmp/openapi.json', 'utf8'), absoluteRef: '/tmp/openapi.json', config });
for (const p of problems) console.log(p.severity, p.ruleId, p.message, JSON.stringify(p.location?.[0]?.pointer));
console.log(problems.length);

import { variantReport } from './variant-report.ts';
const t = Date.now();
const r = variantReport({ perCode: Number(process.argv[2] ?? 30), slipRate: 0.08 });
console.log(r.lines.join('\n'));
console.log('seconds', (Date.now() - t) / 1000);

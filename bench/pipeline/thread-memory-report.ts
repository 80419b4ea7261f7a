/**
 * `node --import tsx bench/pipeline/thread-memory-report.ts DIR`: what the sohoa process's resident memory was made
 * of at its peak, from the samples bench/pipeline/thread-memory.mjs wrote in DIR. Measure with
 * `npm run bench:pipeline -- … --env SOHOA_MEMORY_PROBE=DIR --env "NODE_OPTIONS=--max-semi-space-size=2 --import=$PWD/bench/pipeline/thread-memory.mjs"`.
 * Each isolate counts its V8 heap and its external memory (sharp's rasters, WebAssembly memories, Buffers); what is
 * left of the RSS is native (libvips, glibc's heap, the node binary, thread stacks) and what V8 does not count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2]!;
const lines = (file: string) => readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => l.split(' '));
const main = lines('main.log').map(([t, rss, heap, used, ext, ab, threads, anon, file]) => ({ t: +t!, rss: +rss!, heap: +heap!, used: +used!, ext: +ext!, ab: +ab!, threads: +threads!, anon: +anon!, file: +file! }));
const threads = readdirSync(dir).filter((f) => /^t\d+\.log$/.test(f)).map((f) => ({ id: f.slice(1, -4), samples: lines(f).map(([t, heap, used, ext, ...label]) => ({ t: +t!, heap: +heap!, used: +used!, ext: +ext!, label: label.join(' ') })) }));

const NEAR_MS = 5000;

function at(t: number) {
  const m = main.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
  const alive = threads.flatMap(({ id, samples }) => {
    // A thread busy in one long synchronous call (a recognition, a cleanup loop) samples nothing meanwhile: its
    // nearest sample within NEAR_MS stands for it, and its distance is shown.
    if (samples[0]!.t > t + NEAR_MS || samples.at(-1)!.t < t - NEAR_MS) return [];
    const s = samples.reduce((best, x) => (Math.abs(x.t - t) < Math.abs(best.t - t) ? x : best));
    return Math.abs(s.t - t) <= NEAR_MS ? [{ id, ...s }] : [];
  });
  const counted = m.heap + m.ext + alive.reduce((sum, s) => sum + s.heap + s.ext, 0);
  const rows = [
    `RSS ${m.rss} MB (anonymous ${m.anon}, file ${m.file}), ${m.threads} OS threads, ${alive.length} worker isolates`,
    `  main: heap ${m.heap} (used ${m.used}), external ${m.ext} (ArrayBuffers ${m.ab})`,
    ...alive.sort((a, b) => b.heap + b.ext - (a.heap + a.ext)).map((s) => `  t${s.id} ${s.label}: heap ${s.heap} (used ${s.used}), external ${s.ext}${Math.abs(s.t - t) > 300 ? ` (sampled ${((s.t - t) / 1000).toFixed(1)} s away)` : ''}`),
    `  counted by V8 ${counted} MB; the rest (native, code, stacks, not counted) ${m.rss - counted} MB`,
  ];
  return rows.join('\n');
}

const byRss = [...main].sort((a, b) => b.rss - a.rss);
console.log(`peak:\n${at(byRss[0]!.t)}`);
// Two more high moments at least 5 s from the peak and each other: a peak of one sample may be an accident.
const picked = [byRss[0]!];
for (const s of byRss) {
  if (picked.length >= 3) break;
  if (picked.every((p) => Math.abs(p.t - s.t) > 5000)) picked.push(s);
}
for (const s of picked.slice(1)) console.log(`\nanother high moment (${((s.t - byRss[0]!.t) / 1000).toFixed(1)} s from the peak):\n${at(s.t)}`);

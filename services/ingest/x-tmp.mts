import { readScan, ScanRejected } from './src/scan-reader.ts';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import zlib from 'node:zlib';
const S = '/work/main/samples/scans/';
const show = async (label: string, b: Uint8Array) => {
  const t = Date.now();
  try { const p = await readScan(b); console.log(label, 'OK', p.map(x => `${x.format} ${x.width}x${x.height} dpi=${x.dpi} ${x.image.length}`).join(' | '), Date.now()-t, 'ms'); }
  catch (e) { console.log(label, e instanceof ScanRejected ? 'REJECTED: ' + e.reason : 'OTHER ' + e); }
};
for (const f of ['ks-tokhai-p1.png','dossier-ks.tif','dossier-ks.pdf','skewed-seal.jpg']) await show(f, readFileSync(S+f));
const jpg = readFileSync(S+'skewed-seal.jpg');
await show('trunc jpg', jpg.subarray(0, Math.floor(jpg.length/2)));
const png = readFileSync(S+'ks-tokhai-p1.png');
await show('trunc png', png.subarray(0, Math.floor(png.length/2)));
const tif = readFileSync(S+'dossier-ks.tif');
const bad = Buffer.concat([tif.subarray(0, 8), Buffer.alloc(5000, 0xab)]);
await show('corrupt tif', bad);
await show('trunc tif', tif.subarray(0, 200000));
await show('empty', new Uint8Array());
await show('zip', Buffer.from('PK\x03\x04blah'));
await show('random', Buffer.from(Array.from({length: 1000}, (_, i) => (i * 7919 + 13) % 256)));
// PNG with IHDR claiming 50000x50000
const crc32 = (b: Buffer) => { let c = ~0; for (const x of b) { c ^= x; for (let k=0;k<8;k++) c = (c>>>1) ^ (0xedb88320 & -(c&1)); } return (~c)>>>0; };
const chunk = (type: string, data: Buffer) => { const t = Buffer.concat([Buffer.from(type,'latin1'), data]); const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(t)); return Buffer.concat([len, t, crc]); };
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(50000,0); ihdr.writeUInt32BE(50000,4); ihdr[8]=8; ihdr[9]=2;
const bomb = Buffer.concat([Buffer.from([0x89,0x50,0x4e,0x47,0x0d,0x0a,0x1a,0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(100000))), chunk('IEND', Buffer.alloc(0))]);
await show('bomb png', bomb);
const pdf = readFileSync(S+'dossier-ks.pdf');
await show('trunc pdf', pdf.subarray(0, 2000));
await show('garbage pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3000, 0x41)]));

/**
 * Counter-scan degradations. Each is a pure function from an image buffer
 * (PNG in, PNG out) and explicit parameters to a new buffer: the same
 * arguments always give the same bytes, and they compose in any order.
 * Randomness comes only from the seed passed in, never from sharp's noise.
 */
import sharp from 'sharp';
import { toPng } from './formats.ts';
import { createRng } from './prng.ts';
import { escapeXml, PAPER, type Paper, type PageGeometry } from './render.ts';

export type QuarterTurn = 0 | 90 | 180 | 270;

const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };

async function size(png: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(png).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0 };
}

async function overlay(png: Buffer, svg: string, blend: 'over' | 'multiply' = 'over'): Promise<Buffer> {
  return sharp(png).composite([{ input: Buffer.from(svg), blend }]).png().toBuffer();
}

/** A paper fed crooked: rotate by a small angle, fill with white, keep the page size. */
export async function skew(png: Buffer, degrees: number): Promise<Buffer> {
  if (degrees === 0) return png;
  const { width, height } = await size(png);
  const rotated = await sharp(png).rotate(degrees, { background: WHITE }).png().toBuffer();
  const r = await size(rotated);
  const left = Math.floor((r.width - width) / 2);
  const top = Math.floor((r.height - height) / 2);
  return sharp(rotated).extract({ left, top, width, height }).png().toBuffer();
}

/** A paper fed sideways or upside down: clockwise quarter turns, dimensions swap on 90/270. */
export async function rotate(png: Buffer, degrees: QuarterTurn): Promise<Buffer> {
  if (degrees === 0) return png;
  return sharp(png).rotate(degrees).png().toBuffer();
}

/** Aged paper under a lamp: a yellow cast and light falling off towards one corner. */
export async function yellowedUnevenLight(png: Buffer, seed: number): Promise<Buffer> {
  const rng = createRng(seed);
  const { width, height } = await size(png);
  const cx = rng.range(0.2, 0.8) * 100;
  const cy = rng.range(0.2, 0.8) * 100;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>` +
    `<radialGradient id="light" cx="${cx.toFixed(0)}%" cy="${cy.toFixed(0)}%" r="85%">` +
    `<stop offset="0" stop-color="#fffcf2"/><stop offset="0.7" stop-color="#f7eed6"/><stop offset="1" stop-color="#e2d1a6"/>` +
    `</radialGradient></defs><rect width="100%" height="100%" fill="url(#light)"/></svg>`;
  return overlay(png, svg, 'multiply');
}

/** Dust and toner specks, with a few white drop-outs in the ink. */
export async function speckles(png: Buffer, seed: number, perMegapixel = 150): Promise<Buffer> {
  const rng = createRng(seed);
  const { width, height } = await size(png);
  const count = Math.round(((width * height) / 1e6) * perMegapixel);
  const dots: string[] = [];
  for (let i = 0; i < count; i++) {
    const dark = rng.chance(0.8);
    const r = rng.range(0.6, dark ? 2.6 : 1.8);
    const grey = dark ? rng.int(10, 90) : rng.int(235, 255);
    dots.push(`<circle cx="${rng.int(0, width)}" cy="${rng.int(0, height)}" r="${r.toFixed(1)}" fill="rgb(${grey},${grey},${grey})"/>`);
  }
  return overlay(png, `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${dots.join('')}</svg>`);
}

/** The dark frame a flatbed leaves when the lid does not cover the glass edge. */
export async function lidBorder(png: Buffer, seed: number): Promise<Buffer> {
  const rng = createRng(seed);
  const { width, height } = await size(png);
  const left = rng.int(12, 45);
  const top = rng.int(8, 30);
  const right = rng.int(0, 20);
  const bottom = rng.int(10, 40);
  const band = (id: string, x1: string, y1: string, x2: string, y2: string): string =>
    `<linearGradient id="${id}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"><stop offset="0" stop-color="#141414"/><stop offset="0.75" stop-color="#2a2a2a"/><stop offset="1" stop-color="#6a6a6a" stop-opacity="0.4"/></linearGradient>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs>` +
    band('l', '0', '0', '1', '0') + band('t', '0', '0', '0', '1') + band('r', '1', '0', '0', '0') + band('b', '0', '1', '0', '0') +
    `</defs>` +
    `<rect x="0" y="0" width="${left}" height="${height}" fill="url(#l)"/>` +
    `<rect x="0" y="0" width="${width}" height="${top}" fill="url(#t)"/>` +
    (right ? `<rect x="${width - right}" y="0" width="${right}" height="${height}" fill="url(#r)"/>` : '') +
    `<rect x="0" y="${height - bottom}" width="${width}" height="${bottom}" fill="url(#b)"/></svg>`;
  return overlay(png, svg);
}

export interface SealOptions {
  /** Centre of the seal in px. */
  x: number;
  y: number;
  /** Outer radius in px (a real seal is about 35–40 mm across). */
  radius: number;
  text: string;
  seed: number;
}

/**
 * A red round seal (con dấu): double ring, the unit's name around the rim,
 * a star in the middle. Letters are placed one by one because librsvg's
 * textPath support cannot be relied on. Multiplied, so text shows through.
 */
export async function seal(png: Buffer, options: SealOptions): Promise<Buffer> {
  const rng = createRng(options.seed);
  const { width, height } = await size(png);
  const { x, y, radius } = options;
  const red = `rgb(${rng.int(200, 225)},${rng.int(30, 60)},${rng.int(40, 70)})`;
  const tilt = rng.range(-40, 40);
  const letters = [...options.text];
  const span = Math.min(300, letters.length * 13);
  const fontPx = radius * 0.17;
  const textRadius = radius * 0.78;
  const glyphs = letters
    .map((ch, i) => {
      const angle = tilt - span / 2 + (span * (i + 0.5)) / letters.length;
      return `<text transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${angle.toFixed(2)}) translate(0 ${(-textRadius).toFixed(1)})" text-anchor="middle" font-size="${fontPx.toFixed(1)}" font-weight="bold">${escapeXml(ch)}</text>`;
    })
    .join('');
  const star = starPath(x, y, radius * 0.28, radius * 0.11);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g opacity="${rng.range(0.75, 0.9).toFixed(2)}" fill="${red}" stroke="${red}" font-family="DejaVu Sans">` +
    `<circle cx="${x}" cy="${y}" r="${radius}" fill="none" stroke-width="${(radius * 0.05).toFixed(1)}"/>` +
    `<circle cx="${x}" cy="${y}" r="${(radius * 0.6).toFixed(1)}" fill="none" stroke-width="${(radius * 0.025).toFixed(1)}"/>` +
    `<path d="${star}" stroke="none"/><g stroke="none">${glyphs}</g></g></svg>`;
  return overlay(png, svg, 'multiply');
}

function starPath(cx: number, cy: number, outer: number, inner: number): string {
  const points: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = (Math.PI / 5) * i - Math.PI / 2;
    points.push(`${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`);
  }
  return `M${points.join('L')}Z`;
}

/** A blue ballpoint signature: a few looping strokes and an underline. */
export async function signature(png: Buffer, options: { x: number; y: number; width: number; seed: number }): Promise<Buffer> {
  const rng = createRng(options.seed);
  const { width, height } = await size(png);
  const w = options.width;
  const h = w * 0.3;
  let d = `M${options.x - w / 2},${options.y}`;
  const steps = rng.int(5, 8);
  for (let i = 1; i <= steps; i++) {
    const px = options.x - w / 2 + (w * i) / steps;
    const c1x = px - rng.range(0.1, 0.5) * (w / steps);
    const c1y = options.y - rng.range(0.3, 1) * h;
    const c2x = px + rng.range(-0.3, 0.2) * (w / steps);
    const c2y = options.y + rng.range(0, 0.6) * h;
    d += ` C${c1x.toFixed(1)},${c1y.toFixed(1)} ${c2x.toFixed(1)},${c2y.toFixed(1)} ${px.toFixed(1)},${(options.y + rng.range(-0.2, 0.2) * h).toFixed(1)}`;
  }
  const underline = `M${(options.x - w * 0.45).toFixed(1)},${(options.y + h * 0.55).toFixed(1)} Q${options.x.toFixed(1)},${(options.y + h * rng.range(0.3, 0.8)).toFixed(1)} ${(options.x + w * 0.5).toFixed(1)},${(options.y + h * 0.4).toFixed(1)}`;
  const stroke = Math.max(2, w * 0.012);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<g fill="none" stroke="rgb(${rng.int(20, 45)},${rng.int(50, 80)},${rng.int(160, 200)})" stroke-width="${stroke.toFixed(1)}" stroke-linecap="round" stroke-linejoin="round">` +
    `<path d="${d}"/><path d="${underline}"/></g></svg>`;
  return overlay(png, svg, 'multiply');
}

/** Blocky compression from a scanner's low JPEG quality setting; back to PNG so steps still compose. */
export async function jpegArtifacts(png: Buffer, quality: number): Promise<Buffer> {
  const jpeg = await sharp(png).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  return sharp(jpeg).png().toBuffer();
}

/** A duplex scan's empty back side: paper colour with faint sensor noise and a few specks. */
export async function blankBackSide(geometry: PageGeometry, paper: Paper, seed: number): Promise<Buffer> {
  const rng = createRng(seed);
  const base = hexRgb(PAPER[paper]);
  const { width, height } = geometry;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    // Triangular noise of about ±3 levels: visible to a histogram, not to a clerk.
    const n = Math.round((rng.next() + rng.next() - 1) * 3);
    pixels[i * 3] = clamp(base[0] + n);
    pixels[i * 3 + 1] = clamp(base[1] + n);
    pixels[i * 3 + 2] = clamp(base[2] + n);
  }
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return speckles(png, seed + 1, 8);
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The scanner-side look of a page: what `applyLook` applies, in the order a real scan acquires it. */
export interface ScanLook {
  dpi: number;
  paper: Paper;
  rotation: QuarterTurn;
  skew: number;
  yellowed: boolean;
  speckles: boolean;
  lidBorder: boolean;
  jpegQuality?: number;
}

/**
 * Light and paper, specks, skew, a quarter turn, the lid border, JPEG compression; each step applied is named in
 * `degradations`. The result is a PNG at the page's dpi.
 */
export async function applyLook(png: Buffer, look: ScanLook, seedFor: (label: string) => number, degradations: string[]): Promise<Buffer> {
  let out = png;
  if (look.paper === 'yellowed') degradations.push('yellowed-paper');
  if (look.yellowed) {
    out = await yellowedUnevenLight(out, seedFor('light'));
    degradations.push('uneven-light');
  }
  if (look.speckles) {
    out = await speckles(out, seedFor('speckles'));
    degradations.push('speckles');
  }
  if (look.skew !== 0) {
    out = await skew(out, look.skew);
    degradations.push('skew');
  }
  if (look.rotation !== 0) {
    out = await rotate(out, look.rotation);
    degradations.push('rotation');
  }
  if (look.lidBorder) {
    out = await lidBorder(out, seedFor('lid'));
    degradations.push('lid-border');
  }
  if (look.jpegQuality !== undefined) {
    out = await jpegArtifacts(out, look.jpegQuality);
    degradations.push(`jpeg-q${look.jpegQuality}`);
  }
  return toPng(out, look.dpi);
}

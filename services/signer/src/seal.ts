/**
 * A unit's seal image for its visible signature, drawn from the unit's name
 * when the unit has not configured a scan of its real seal: a red round seal
 * (two rings, the name along the upper arc, a star), as Vietnamese offices' seals look.
 *
 * Rendered on white without an alpha channel: PDF/A-1 forbids soft masks, and
 * a signature box has a white background anyway.
 */
import sharp from 'sharp';

const SIZE = 240;
const RED = '#d0101b';

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Five-pointed star centred at (cx, cy). */
function star(cx: number, cy: number, outer: number): string {
  const inner = outer * 0.382;
  const points: string[] = [];
  for (let index = 0; index < 10; index += 1) {
    const radius = index % 2 === 0 ? outer : inner;
    const angle = -Math.PI / 2 + (index * Math.PI) / 5;
    points.push(`${(cx + radius * Math.cos(angle)).toFixed(1)},${(cy + radius * Math.sin(angle)).toFixed(1)}`);
  }
  return points.join(' ');
}

/**
 * librsvg (inside sharp) does not lay text along a <textPath>, so each letter
 * is placed and rotated on the arc itself, evenly spaced around the top.
 */
function lettersOnArc(name: string, radius: number, fontSize: number): string {
  const letters = [...name];
  const span = Math.min(250, letters.length * ((fontSize * 0.8) / radius) * (180 / Math.PI));
  const step = letters.length > 1 ? span / (letters.length - 1) : 0;
  return letters
    .map((letter, index) => {
      const degrees = -span / 2 + index * step;
      const radians = (degrees * Math.PI) / 180;
      const x = SIZE / 2 + radius * Math.sin(radians);
      const y = SIZE / 2 - radius * Math.cos(radians);
      return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" transform="rotate(${degrees.toFixed(1)} ${x.toFixed(1)} ${y.toFixed(1)})" text-anchor="middle" dominant-baseline="central">${escapeXml(letter)}</text>`;
    })
    .join('');
}

export function sealSvg(unitName: string): string {
  const name = unitName.normalize('NFC').toLocaleUpperCase('vi');
  const arcRadius = 90;
  // At most 250° of the ring for the name; a capital plus spacing is ~0.8 em along the arc.
  const fontSize = Math.max(8, Math.min(22, ((arcRadius * 250 * Math.PI) / 180) / (name.length * 0.8)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <rect width="${SIZE}" height="${SIZE}" fill="#ffffff"/>
  <circle cx="120" cy="120" r="114" fill="none" stroke="${RED}" stroke-width="7"/>
  <circle cx="120" cy="120" r="68" fill="none" stroke="${RED}" stroke-width="3"/>
  <g font-family="DejaVu Sans" font-weight="bold" font-size="${fontSize.toFixed(1)}" fill="${RED}">${lettersOnArc(name, arcRadius, fontSize)}</g>
  <polygon points="${star(120, 120, 40)}" fill="${RED}"/>
</svg>`;
}

const cache = new Map<string, Promise<Uint8Array>>();

/** The seal as an RGB PNG, made once per unit name and process. */
export function sealPng(unitName: string): Promise<Uint8Array> {
  let png = cache.get(unitName);
  if (!png) {
    png = sharp(Buffer.from(sealSvg(unitName)))
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .png({ compressionLevel: 9, palette: false })
      .toBuffer()
      .then((buffer) => new Uint8Array(buffer));
    png.catch(() => cache.delete(unitName));
    cache.set(unitName, png);
  }
  return png;
}

/**
 * A BagIt validator written from RFC 8493 alone, for the tests: it shares no code with sohoa's bag writer
 * (services/archive-api/src/bagit.ts), so a misreading of the RFC there is not repeated here. No BagIt package can
 * be installed on the build machines; this is the "validate" of the RFC (§3): complete, and every checksum right.
 *
 * It checks a bag laid out on disk (a zip is unpacked first: `unpackZip`), and returns every problem it finds.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';

const ALGORITHMS = new Set(['sha256', 'sha512']);

/** Unpacks a zip (yauzl: not the writer's library) below `into`; refuses entries that climb out. */
export async function unpackZip(zip: Buffer, into: string): Promise<string[]> {
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zipfile.on('error', reject);
    zipfile.on('end', () => resolve());
    zipfile.on('entry', (entry: yauzl.Entry) => {
      const target = path.resolve(into, entry.fileName);
      if (!target.startsWith(path.resolve(into) + path.sep)) return reject(new Error(`zip entry outside the bag: ${entry.fileName}`));
      names.push(entry.fileName);
      if (entry.fileName.endsWith('/')) return void mkdir(target, { recursive: true }).then(() => zipfile.readEntry(), reject);
      zipfile.openReadStream(entry, async (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        for await (const c of stream!) chunks.push(c as Buffer);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, Buffer.concat(chunks));
        zipfile.readEntry();
      });
    });
    zipfile.readEntry();
  });
  return names;
}

/** Every file below `dir`, as '/'-separated paths relative to `base`. */
async function filesBelow(base: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(base, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesBelow(base, rel)));
    else out.push(rel);
  }
  return out;
}

const lines = (text: string) => text.split(/\r\n|\r|\n/).filter((l, i, all) => !(l === '' && i === all.length - 1));
const digest = async (alg: string, file: string) => createHash(alg).update(await readFile(file)).digest('hex');
/** §2.1.3: a path in a manifest has CR, LF and % percent-encoded. */
const decodePath = (p: string) => p.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');

interface ManifestLine { checksum: string; path: string }

function parseManifest(text: string, name: string, problems: string[]): ManifestLine[] {
  const out: ManifestLine[] = [];
  for (const [i, line] of lines(text).entries()) {
    // §2.1.3: checksum, one or more linear whitespace characters, the file path.
    const m = /^([0-9a-fA-F]+)[ \t]+(.+)$/.exec(line);
    if (!m) {
      problems.push(`${name} line ${i + 1} is not "checksum path": ${JSON.stringify(line)}`);
      continue;
    }
    const filePath = decodePath(m[2]!);
    if (filePath.startsWith('/') || filePath.split('/').some((s) => s === '..' || s === '.')) problems.push(`${name} line ${i + 1}: path ${filePath} leaves the bag`);
    if (out.some((l) => l.path === filePath)) problems.push(`${name}: ${filePath} listed twice`);
    out.push({ checksum: m[1]!.toLowerCase(), path: filePath });
  }
  return out;
}

/** bag-info.txt (§2.2.2): "Label: value" lines; a line starting with whitespace continues the previous value. */
function parseBagInfo(text: string, problems: string[]): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  let last: { label: string; index: number } | null = null;
  for (const [i, line] of lines(text).entries()) {
    if (/^[ \t]/.test(line) && last) {
      const values = tags.get(last.label)!;
      values[last.index] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([^:\s][^:]*):\s(.*)$/.exec(line) ?? /^([^:\s][^:]*):()$/.exec(line);
    if (!m) {
      problems.push(`bag-info.txt line ${i + 1} is no "Label: value": ${JSON.stringify(line)}`);
      continue;
    }
    const values = tags.get(m[1]!) ?? [];
    values.push(m[2]!);
    tags.set(m[1]!, values);
    last = { label: m[1]!, index: values.length - 1 };
  }
  return tags;
}

export interface BagCheck { valid: boolean; problems: string[]; payloadFiles: string[] }

/** Checks the bag whose base directory is `bagDir`. */
export async function checkBag(bagDir: string): Promise<BagCheck> {
  const problems: string[] = [];
  const at = (rel: string) => path.join(bagDir, ...rel.split('/'));
  const exists = (rel: string) => stat(at(rel)).then((s) => s.isFile(), () => false);

  // §2.1.1: the declaration, exactly these two lines in this order.
  if (!(await exists('bagit.txt'))) problems.push('bagit.txt is missing');
  else {
    const declaration = lines(await readFile(at('bagit.txt'), 'utf8'));
    if (declaration.length !== 2 || !/^BagIt-Version: \d+\.\d+$/.test(declaration[0]!) || declaration[1] !== 'Tag-File-Character-Encoding: UTF-8') {
      problems.push(`bagit.txt is not the declaration: ${JSON.stringify(declaration)}`);
    }
  }

  // §2.1.2: the payload directory.
  const dataStat = await stat(at('data')).catch(() => null);
  const payloadFiles = dataStat?.isDirectory() ? await filesBelow(bagDir, 'data') : [];
  if (!dataStat?.isDirectory()) problems.push('data/ is missing');

  const top = await readdir(bagDir);
  const manifests = top.filter((n) => /^manifest-[a-z0-9]+\.txt$/.test(n));
  const tagManifests = top.filter((n) => /^tagmanifest-[a-z0-9]+\.txt$/.test(n));
  if (manifests.length === 0) problems.push('no payload manifest (manifest-<algorithm>.txt)');

  // §2.1.3 and §3: every payload file in every manifest, every listed file there, every checksum right.
  for (const name of manifests) {
    const alg = name.slice('manifest-'.length, -'.txt'.length);
    if (!ALGORITHMS.has(alg)) {
      problems.push(`${name}: algorithm ${alg} is not checked here`);
      continue;
    }
    const listed = parseManifest(await readFile(at(name), 'utf8'), name, problems);
    for (const line of listed) {
      if (!line.path.startsWith('data/')) problems.push(`${name}: ${line.path} is not in the payload`);
      else if (!(await exists(line.path))) problems.push(`${name}: ${line.path} is listed but missing`);
      else if ((await digest(alg, at(line.path))) !== line.checksum) problems.push(`${name}: ${line.path} does not match its checksum`);
    }
    for (const file of payloadFiles) if (!listed.some((l) => l.path === file)) problems.push(`${name}: ${file} is in data/ but not in the manifest`);
  }

  // §2.2.2: bag-info.txt, and its Payload-Oxum (octets.streams) against the payload.
  if (await exists('bag-info.txt')) {
    const info = parseBagInfo(await readFile(at('bag-info.txt'), 'utf8'), problems);
    const oxum = info.get('Payload-Oxum');
    if (oxum) {
      let octets = 0;
      for (const file of payloadFiles) octets += (await stat(at(file))).size;
      if (oxum.length !== 1 || oxum[0] !== `${octets}.${payloadFiles.length}`) {
        problems.push(`Payload-Oxum ${oxum.join(',')} but the payload is ${octets} octets in ${payloadFiles.length} files`);
      }
    }
  }

  // §2.2.1: tag manifests list tag files (not payload), with right checksums, and here must cover every tag file.
  const tagFiles = top.filter((n) => !n.startsWith('tagmanifest-') && n !== 'data');
  for (const name of tagManifests) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    if (!ALGORITHMS.has(alg)) {
      problems.push(`${name}: algorithm ${alg} is not checked here`);
      continue;
    }
    const listed = parseManifest(await readFile(at(name), 'utf8'), name, problems);
    for (const line of listed) {
      if (line.path.startsWith('data/')) problems.push(`${name}: ${line.path} is payload, not a tag file`);
      else if (!(await exists(line.path))) problems.push(`${name}: ${line.path} is listed but missing`);
      else if ((await digest(alg, at(line.path))) !== line.checksum) problems.push(`${name}: ${line.path} does not match its checksum`);
    }
    for (const file of tagFiles) if (!listed.some((l) => l.path === file)) problems.push(`${name}: tag file ${file} is not covered`);
  }
  return { valid: problems.length === 0, problems, payloadFiles };
}

import { execFileSync } from 'node:child_process';

function has(command: string, check: string[]): boolean {
  try {
    execFileSync(command, check, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** The peer, as the issue names it: Debian's ocrmypdf with tesseract's Vietnamese model and unpaper. */
export function installPeer(): void {
  const vie = has('tesseract', ['--list-langs']) && execFileSync('tesseract', ['--list-langs'], { encoding: 'utf8' }).includes('vie');
  if (has('ocrmypdf', ['--version']) && vie && has('unpaper', ['--version'])) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  console.log('installing ocrmypdf, tesseract-ocr-vie, unpaper with apt-get');
  const run = (cmd: string[]) => execFileSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run([...sudo, 'apt-get', 'update', '-qq']);
  run([...sudo, 'apt-get', 'install', '-y', '-qq', 'ocrmypdf', 'tesseract-ocr-vie', 'unpaper']);
}

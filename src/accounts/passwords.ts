/**
 * People's passwords: Argon2id (@node-rs/argon2: prebuilt binaries, no compiler, hashing on libuv's threads so the
 * event loop stays free), a policy with reasons in words, and generated passwords for new people and resets.
 */
import { randomInt } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { AppError } from '@sohoa/shared';

/**
 * OWASP's Argon2id setting (19 MiB, 2 passes, 1 lane): ~30 ms here. `algorithm` 2 is Argon2id (a const enum in
 * the package's types, which isolated modules cannot name).
 */
const ARGON2ID: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;
/** Longer is refused: hashing a megabyte on every sign-in attempt is a way to tie up the server. */
export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string): Promise<string> => hash(password.normalize('NFC'), ARGON2ID);

/** False for a wrong password and for a stored value that is no Argon2 hash (never throws for those). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows: verified against when the username is unknown, so both answers take as long. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword(`decoy-${randomInt(1 << 30)}-${Date.now()}`));

/**
 * Passwords people choose and attackers try first (international and Vietnamese), compared case-insensitively
 * after the policy's length check, so only those of 12+ characters matter here.
 */
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789000', '111111111111', '000000000000', '123123123123',
  'password1234', 'password12345', 'password@123', 'password@1234', 'passw0rd1234', 'qwertyuiop12', 'qwertyuiop123',
  'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'abc123456789', 'abcd12345678', 'iloveyou1234', 'admin1234567',
  'admin@123456', 'administrator', 'administrator1', 'letmein12345', 'welcome12345', 'welcome@1234', 'changeme1234',
  'matkhau12345', 'matkhau123456', 'matkhau@1234', 'matkhau@123', 'anhyeuem1234', 'anhyeuem123456', 'emyeuanh1234',
  'vietnam12345', 'vietnam@1234', 'vietnam123456', 'hanoi1234567', 'saigon123456', 'hochiminh1234', 'motcua123456',
  'motcua@12345', 'ubndphuong123', 'ubnd@1234567', 'sohoa1234567', 'sohoa@123456', 'tainguyen1234', 'chinhphu1234',
]);

/** Every way the password falls short of the policy, in words; empty when it passes. */
export function passwordProblems(password: string, who: { username: string; displayName?: string | null }): string[] {
  const pw = password.normalize('NFC');
  const lower = pw.toLowerCase();
  const problems: string[] = [];
  const length = [...pw].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`at least ${MIN_PASSWORD_LENGTH} characters (this one has ${length})`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`at most ${MAX_PASSWORD_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(pw)) problems.push('no control characters');
  if (pw.trim() !== pw) problems.push('no space at the start or the end (it is easily lost when typed)');
  const username = who.username.trim().toLowerCase();
  if (username && lower.includes(username)) problems.push('it must not contain the username');
  const nameParts = (who.displayName ?? '').toLowerCase().split(/\s+/).filter((p) => [...p].length >= 4);
  if (nameParts.some((p) => lower.includes(p))) problems.push('it must not contain the person\'s name');
  if (COMMON.has(lower)) problems.push('it is one of the passwords tried first by attackers');
  else if (new Set(pw).size < 5) problems.push('at least 5 different characters');
  else if (isSequence(lower)) problems.push('not a run of keys or digits in a row');
  return problems;
}

/** Throws 422 `weak-password` naming every problem. */
export function checkPasswordPolicy(password: string, who: { username: string; displayName?: string | null }): void {
  const problems = passwordProblems(password, who);
  if (problems.length) throw new AppError('weak-password', `the password does not meet the policy: ${problems.join('; ')}`, 422);
}

function isSequence(text: string): boolean {
  const runs = ['0123456789012345678901234567890', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];
  return runs.some((run) => run.includes(text) || [...run].reverse().join('').includes(text));
}

/**
 * A generated password: 4 groups of 5 from 31 letters and digits that cannot be misread (no 0/o, 1/l/i), about
 * 99 bits, typed once and then changed by the person.
 */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const group = () => Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}

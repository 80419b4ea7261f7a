/** A reason the server gave (its stable code beside its words) said in the UI's language; an unknown code keeps the words. */
import { catalogue, type MessageKey } from './messages.ts';
import { t } from './locale.svelte.ts';

export function reasonWords(code: string | null | undefined, words: string | null | undefined): string {
  const key = `reason.${code}`;
  return code && Object.hasOwn(catalogue.vi, key) ? t(`reason.${code}` as MessageKey) : words ?? '—';
}

/** A reason the server gave (its stable code beside its words) said in the UI's language; an unknown code keeps the words. */
import { catalogue, translate, type Lang, type MessageKey } from './messages.ts';

export function reasonIn(lang: Lang, code: string | null | undefined, words: string | null | undefined): string {
  const key = `reason.${code}`;
  return code && Object.hasOwn(catalogue.vi, key) ? translate(lang, key as MessageKey) : words ?? '—';
}

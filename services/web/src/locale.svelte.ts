/** The language the UI speaks now (Vietnamese unless switched; remembered in this browser), and `t` to say things in it. */
import { LANGS, translate, type Lang, type MessageKey, type Params } from './messages.ts';

const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('sohoa.lang');
export const locale = $state<{ lang: Lang }>({ lang: LANGS.includes(saved as Lang) ? (saved as Lang) : 'vi' });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  localStorage.setItem('sohoa.lang', lang);
  document.documentElement.lang = lang;
}

/** Read inside a template or $derived, it follows a language switch. */
export const t = (key: MessageKey, params?: Params): string => translate(locale.lang, key, params);

/** Times of day in the UI's language. */
export const timeOfDay = (iso: string | Date): string =>
  new Date(iso).toLocaleTimeString(locale.lang === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

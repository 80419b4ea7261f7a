import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, placeholders, translate, type MessageKey } from './messages.ts';

const HERE = new URL('.', import.meta.url).pathname;
const sources = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return sources(path);
  return /\.(svelte|ts)$/.test(name) && !name.endsWith('.spec.ts') && name !== 'messages.ts' ? [path] : [];
});

describe('the message catalogue', () => {
  it('says everything in both languages, with the same placeholders', () => {
    const vi = Object.keys(catalogue.vi).sort();
    expect(Object.keys(catalogue.en).sort()).toEqual(vi);
    const differing = vi.filter((k) => placeholders(catalogue.vi[k as MessageKey]).join() !== placeholders(catalogue.en[k as MessageKey]).join());
    expect(differing).toEqual([]);
    expect(vi.filter((k) => catalogue.vi[k as MessageKey].trim() === '' || catalogue.en[k as MessageKey].trim() === '')).toEqual([]);
  });

  it('fills placeholders and keeps a missing one visible', () => {
    expect(translate('vi', 'today.pages', { done: 1, total: 3 })).toBe('1/3 trang đã xử lý');
    expect(translate('en', 'today.pages', { done: 1, total: 3 })).toBe('1/3 pages processed');
    expect(translate('en', 'today.batch', {})).toBe('Dossier {dossier}');
  });

  it('has every key the components ask for, and the components show no text of their own', () => {
    const files = sources(HERE);
    expect(files.length).toBeGreaterThan(4);
    const used = new Set<string>();
    const templateLiterals: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)) templateLiterals.push(m[1]); // t(`status.${…}`): a family of keys
      if (file.endsWith('.svelte')) {
        // Markup text between tags is either a {expression} or whitespace/punctuation: words come from the catalogue.
        let markup = text.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<!--[\s\S]*?-->/g, '');
        for (let before = ''; before !== markup;) [before, markup] = [markup, markup.replace(/\{[^{}]*\}/g, '')]; // nested {…} from the inside out
        const words = [...markup.matchAll(/>([^<]+)</g)].map((m) => m[1].trim()).filter((s) => /\p{L}/u.test(s));
        expect(words, file).toEqual([]);
      }
    }
    expect([...used].filter((k) => !(k in catalogue.vi))).toEqual([]);
    for (const prefix of templateLiterals) expect(Object.keys(catalogue.vi).some((k) => k.startsWith(prefix)), prefix).toBe(true);
    expect(used.size).toBeGreaterThan(40);
  });
});

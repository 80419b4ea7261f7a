import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Trained data ships in the @tesseract.js-data/<lang> packages, so nothing is fetched at run time.
 * The "best_int" models are the accurate integer LSTM models (OSD's has the legacy model it needs).
 */
const MODEL_FOLDER = '4.0.0_best_int';
const require = createRequire(import.meta.url);

/** Folder holding `<lang>.traineddata.gz` for one language package. */
export function languageFolder(lang: string): string {
  let manifest: string;
  try {
    manifest = require.resolve(`@tesseract.js-data/${lang}/package.json`);
  } catch {
    throw new Error(`OCR language '${lang}' is not installed: add the @tesseract.js-data/${lang} package`);
  }
  return path.join(path.dirname(manifest), MODEL_FOLDER);
}

export interface LanguageData {
  code: string;
  /** gzip-compressed traineddata, as shipped; tesseract.js gunzips it in the worker. */
  data: Uint8Array;
}

const loaded = new Map<string, Promise<LanguageData>>();

/**
 * Read a language's traineddata once per process. Each language lives in its own package folder and
 * a tesseract.js worker takes one langPath, so the data is handed over directly instead.
 */
export function languageData(lang: string): Promise<LanguageData> {
  let entry = loaded.get(lang);
  if (!entry) {
    const file = path.join(languageFolder(lang), `${lang}.traineddata.gz`);
    entry = readFile(file).then((buffer) => ({ code: lang, data: new Uint8Array(buffer) }));
    entry.catch(() => loaded.delete(lang));
    loaded.set(lang, entry);
  }
  return entry;
}

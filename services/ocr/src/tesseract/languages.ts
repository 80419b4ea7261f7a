import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
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

export interface LanguagePath {
  /** tesseract.js `langPath`: one folder holding every requested `<lang>.traineddata.gz`. */
  langPath: string;
  dispose(): Promise<void>;
}

/**
 * A worker takes one langPath, but each language lives in its own package folder. For one language
 * that folder is used as is; for several, a temporary folder of symlinks into node_modules joins them
 * (tesseract.js 7 mangles languages passed as {code, data} objects, so that route is closed).
 */
export async function languagePath(langs: string[]): Promise<LanguagePath> {
  const folders = langs.map(languageFolder);
  if (new Set(folders).size === 1) return { langPath: folders[0], dispose: async () => {} };
  const joined = await mkdtemp(path.join(os.tmpdir(), 'sohoa-tessdata-'));
  await Promise.all(
    langs.map((lang, i) =>
      symlink(path.join(folders[i], `${lang}.traineddata.gz`), path.join(joined, `${lang}.traineddata.gz`)),
    ),
  );
  return { langPath: joined, dispose: () => rm(joined, { recursive: true, force: true }) };
}

export { ocrPageJob, type OcrJobDeps } from './page.job.ts';
export { buildDocumentJob, type DocumentJobDeps } from './document.job.ts';

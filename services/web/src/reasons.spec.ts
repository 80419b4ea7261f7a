import { describe, expect, it } from 'vitest';
import { reasonIn } from './reasons.ts';

describe('reasons said by code', () => {
  it('says a known code in the language asked, and keeps the server\'s words for a code it does not know', () => {
    expect(reasonIn('vi', 'not-a-scan', "not an image or PDF (starts with 'Bi')")).toBe('tệp không phải ảnh quét hay PDF');
    expect(reasonIn('en', 'not-a-scan', "not an image or PDF (starts with 'Bi')")).toBe('the file is not a scanned image or a PDF');
    expect(reasonIn('vi', 'a-code-from-a-newer-server', 'something new')).toBe('something new');
    expect(reasonIn('vi', null, 'words only')).toBe('words only');
    expect(reasonIn('vi', 'toString', 'not a key of the catalogue')).toBe('not a key of the catalogue');
    expect(reasonIn('vi', null, null)).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_LENGTH, sanitizeFileName } from './file-name';

describe('sanitizeFileName', () => {
  it.each([
    [undefined, 'file'],
    ['', 'file'],
    ['report.pdf', 'report.pdf'],
    [encodeURIComponent('résumé 2026.pdf'), 'résumé 2026.pdf'],
    ['..%2F..%2Fetc%2Fpasswd', 'passwd'],
    ['C:\\Users\\me\\shot.png', 'shot.png'],
    ['%E2%80%AEgpj.exe', 'gpj.exe'], // U+202E RIGHT-TO-LEFT OVERRIDE
    ['a%00b%0Ac%1Bd.txt', 'abcd.txt'],
    ['..', 'file'],
    ['.bashrc', 'bashrc'],
    ['what?.txt', 'what_.txt'],
    ['name.  ', 'name'],
    ['%E0%A4%A', '%E0%A4%A'], // broken percent-encoding: taken as it came
  ])('%s → %s', (raw, expected) => {
    expect(sanitizeFileName(raw)).toBe(expected);
  });

  it('caps the length and keeps the extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(500)}.jpeg`);
    expect([...name]).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(name.endsWith('x.jpeg')).toBe(true);
  });
});

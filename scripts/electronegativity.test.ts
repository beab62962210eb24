import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs script, no type declarations
import { classify, electronImportsOutsideShell, isWellFormed, parseCsv } from './electronegativity.mjs';

const csv = `issue, severity, confidence, filename, location, sample, description, url
SANDBOX_JS_CHECK,"MEDIUM","FIRM","src-main/electron/window.ts","28:6","sandbox: false,","Use sandbox, please",https://x
CSP_GLOBAL_CHECK,"LOW","FIRM","src-renderer/index.html","5:0","default-src 'none';
 script-src 'self'","One ""quoted"" word",https://y
PRELOAD_JS_CHECK,"MEDIUM","FIRM","src-main/electron/window.ts","26:6","preload: p,","Review the use of preload scripts",https://z
`;

describe('electronegativity gate', () => {
  it("reads electronegativity's CSV, quoted commas, quotes and newlines included", () => {
    const rows = parseCsv(csv);
    expect(rows.map((r: { issue: string }) => r.issue)).toEqual([
      'SANDBOX_JS_CHECK',
      'CSP_GLOBAL_CHECK',
      'PRELOAD_JS_CHECK',
    ]);
    expect(rows[0]).toMatchObject({
      severity: 'MEDIUM',
      filename: 'src-main/electron/window.ts',
      description: 'Use sandbox, please',
    });
    expect(rows[1].description).toBe('One "quoted" word');
  });

  it('tells a garbled CSV (the header written over the start of the first row) from a whole one', () => {
    expect(parseCsv(csv).every(isWellFormed)).toBe(true);
    const header = csv.slice(0, csv.indexOf('\n') + 1);
    const garbled = header + csv.slice(header.length * 2);
    expect(parseCsv(garbled).every(isWellFormed)).toBe(false);
  });

  it('fails unexplained HIGH/MEDIUM findings only, and reports stale explanations', () => {
    const explained = [
      { check: 'PRELOAD_JS_CHECK', file: 'src-main/electron/window.ts', why: 'contract only' },
      { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'src-main/electron/app.ts', why: 'http(s) only' },
    ];
    const { failures, accepted, stale } = classify(parseCsv(csv), explained);
    expect(failures.map((f: { issue: string }) => f.issue)).toEqual(['SANDBOX_JS_CHECK']);
    expect(accepted.map((a: { why: string }) => a.why)).toEqual(['contract only']);
    expect(stale).toEqual([explained[1]]);
  });

  it('keeps electron inside the shell: the scan covers every file that imports it', () => {
    expect(electronImportsOutsideShell()).toEqual([]);
    const root = mkdtempSync(join(tmpdir(), 'relay-shell-'));
    try {
      const file = (path: string, text: string) => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      file('src-main/electron/app.ts', "import { app } from 'electron';");
      file('src-preload/index.ts', "import { ipcRenderer } from 'electron';");
      file('src-main/core/ok.test.ts', "vi.mock('electron'); import x from 'electron';");
      file('src-main/core/leak.ts', "import { shell } from 'electron';");
      file('src-renderer/leak.tsx', "const { ipcRenderer } = require('electron');");
      file('src-main/core/fine.ts', "import { z } from 'zod'; // electron-store is not electron");
      expect(electronImportsOutsideShell(root).sort()).toEqual([
        'src-main/core/leak.ts',
        'src-renderer/leak.tsx',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

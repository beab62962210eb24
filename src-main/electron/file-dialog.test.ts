/** The desktop "Attach": the native open dialog over the window, several files, none when cancelled. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { pickFilesWith } = await import('./file-dialog');

describe('pickFiles', () => {
  it('opens the dialog over the window for several files and answers their paths', async () => {
    const win = new electron.BrowserWindow({});
    electron.dialog.answer = { canceled: false, filePaths: ['/home/alice/a.png', '/home/alice/b.pdf'] };
    expect(await pickFilesWith(() => win as never)()).toEqual(['/home/alice/a.png', '/home/alice/b.pdf']);
    expect(electron.dialog.showOpenDialog).toHaveBeenLastCalledWith(win, {
      title: 'Attach files',
      properties: ['openFile', 'multiSelections'],
    });
  });

  it('answers nothing when the user cancels, and works without a window', async () => {
    electron.dialog.answer = { canceled: true, filePaths: ['/ignored'] };
    expect(await pickFilesWith(() => null)()).toEqual([]);
    expect(electron.dialog.showOpenDialog).toHaveBeenLastCalledWith({
      title: 'Attach files',
      properties: ['openFile', 'multiSelections'],
    });
  });
});

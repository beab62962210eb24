/**
 * The desktop "Attach" (issue 17): the native open dialog, several files at once, over the window. The
 * core stages what was chosen (Attachments.stageFromPath), as it stages the page's file input.
 */
import { type BrowserWindow, dialog, type OpenDialogOptions } from 'electron';

const OPTIONS: OpenDialogOptions = { title: 'Attach files', properties: ['openFile', 'multiSelections'] };

/** The core's `pickFiles` port: the chosen paths, none when the user cancelled. */
export function pickFilesWith(window: () => BrowserWindow | null): () => Promise<string[]> {
  return async () => {
    const parent = window();
    const result = parent
      ? await dialog.showOpenDialog(parent, OPTIONS)
      : await dialog.showOpenDialog(OPTIONS);
    return result.canceled ? [] : result.filePaths;
  };
}

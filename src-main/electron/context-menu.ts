/**
 * The right-click menu of our window: spelling suggestions and "Add to dictionary" on a misspelt
 * word, "Save as…" on a message file (a card's link, or an image: its original), then the edit actions
 * the spot allows. Our own small menu (no package): Chromium's spellchecker
 * supplies the words (`webPreferences.spellcheck`), Electron's Menu shows them.
 */
import { Menu, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { isOwnFileUrl } from './downloads';

/** The parts of Electron's ContextMenuParams this menu reads. */
export type MenuParams = {
  misspelledWord: string;
  dictionarySuggestions: string[];
  isEditable: boolean;
  selectionText: string;
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
  /** The link and the image under the pointer (empty: none). */
  linkURL?: string;
  srcURL?: string;
};

/** What the menu does to the page; WebContents in the app, a recorder in tests. */
export type MenuTarget = {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
  /** Downloads a message file, asking where (the save dialog). */
  saveFileAs?(url: string): void;
};

/** The message file under the pointer: a card's link, or an image's original (not its thumbnail). */
export function fileUnderPointer(params: MenuParams): string | null {
  if (params.linkURL && isOwnFileUrl(params.linkURL)) return params.linkURL;
  if (params.srcURL && isOwnFileUrl(params.srcURL)) return params.srcURL.replace(/\/thumbnail$/, '');
  return null;
}

export function contextMenuTemplate(params: MenuParams, target: MenuTarget): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (params.isEditable && params.misspelledWord) {
    for (const word of params.dictionarySuggestions.slice(0, 5)) {
      items.push({ label: word, click: () => target.replaceMisspelling(word) });
    }
    if (params.dictionarySuggestions.length === 0) items.push({ label: 'No suggestions', enabled: false });
    items.push(
      { label: 'Add to dictionary', click: () => target.addToDictionary(params.misspelledWord) },
      { type: 'separator' },
    );
  }
  const file = fileUnderPointer(params);
  if (file && target.saveFileAs) {
    const save = target.saveFileAs;
    items.push({ label: 'Save as…', click: () => save(file) }, { type: 'separator' });
  }
  const { editFlags } = params;
  if (params.isEditable) items.push({ role: 'cut', enabled: editFlags.canCut });
  if (params.isEditable || params.selectionText.trim())
    items.push({ role: 'copy', enabled: editFlags.canCopy });
  if (params.isEditable) items.push({ role: 'paste', enabled: editFlags.canPaste });
  if (params.isEditable)
    items.push({ type: 'separator' }, { role: 'selectAll', enabled: editFlags.canSelectAll });
  return items;
}

/**
 * Shows the menu on right-click in `contents` (nothing where it would be empty). `askWhere`: marks a
 * file's next download as "Save as…" (Downloads.saveAs) before it starts.
 */
export function attachContextMenu(contents: WebContents, askWhere?: (url: string) => void): void {
  const target: MenuTarget = {
    replaceMisspelling: (word) => contents.replaceMisspelling(word),
    addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
    saveFileAs: askWhere
      ? (url) => {
          askWhere(url);
          contents.downloadURL(url);
        }
      : undefined,
  };
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, target);
    if (template.length > 0) Menu.buildFromTemplate(template).popup();
  });
}

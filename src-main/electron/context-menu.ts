/**
 * The right-click menu of our window: spelling suggestions and "Add to dictionary" on a misspelt
 * word, then the edit actions the spot allows. Our own small menu (no package): Chromium's spellchecker
 * supplies the words (`webPreferences.spellcheck`), Electron's Menu shows them.
 */
import { Menu, type MenuItemConstructorOptions, type WebContents } from 'electron';

/** The parts of Electron's ContextMenuParams this menu reads. */
export type MenuParams = {
  misspelledWord: string;
  dictionarySuggestions: string[];
  isEditable: boolean;
  selectionText: string;
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean };
};

/** What the menu does to the page; WebContents in the app, a recorder in tests. */
export type MenuTarget = {
  replaceMisspelling(word: string): void;
  addToDictionary(word: string): void;
};

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
  const { editFlags } = params;
  if (params.isEditable) items.push({ role: 'cut', enabled: editFlags.canCut });
  if (params.isEditable || params.selectionText.trim())
    items.push({ role: 'copy', enabled: editFlags.canCopy });
  if (params.isEditable) items.push({ role: 'paste', enabled: editFlags.canPaste });
  if (params.isEditable)
    items.push({ type: 'separator' }, { role: 'selectAll', enabled: editFlags.canSelectAll });
  return items;
}

/** Shows the menu on right-click in `contents` (nothing where it would be empty). */
export function attachContextMenu(contents: WebContents): void {
  const target: MenuTarget = {
    replaceMisspelling: (word) => contents.replaceMisspelling(word),
    addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
  };
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, target);
    if (template.length > 0) Menu.buildFromTemplate(template).popup();
  });
}

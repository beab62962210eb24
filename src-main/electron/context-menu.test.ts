import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./testing/electron-mock'));

const electron = await import('./testing/electron-mock');
const { attachContextMenu, contextMenuTemplate } = await import('./context-menu');

const flags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
const misspelt = {
  misspelledWord: 'helo',
  dictionarySuggestions: ['hello', 'help', 'halo'],
  isEditable: true,
  selectionText: '',
  editFlags: flags,
};

describe('context menu', () => {
  it('offers the suggestions of a misspelt word, replacing it, and adds it to the dictionary', () => {
    const target = { replaceMisspelling: vi.fn(), addToDictionary: vi.fn() };
    const items = contextMenuTemplate(misspelt, target);
    expect(items.map((i) => i.label ?? i.role ?? i.type)).toEqual([
      'hello',
      'help',
      'halo',
      'Add to dictionary',
      'separator',
      'cut',
      'copy',
      'paste',
      'separator',
      'selectAll',
    ]);
    items[1]!.click?.({} as never, undefined, {} as never);
    expect(target.replaceMisspelling).toHaveBeenCalledWith('help');
    items.find((i) => i.label === 'Add to dictionary')!.click?.({} as never, undefined, {} as never);
    expect(target.addToDictionary).toHaveBeenCalledWith('helo');
  });

  it('says there are no suggestions, and offers only copy on selected text outside the composer', () => {
    const target = { replaceMisspelling: vi.fn(), addToDictionary: vi.fn() };
    const none = contextMenuTemplate({ ...misspelt, dictionarySuggestions: [] }, target);
    expect(none[0]).toMatchObject({ label: 'No suggestions', enabled: false });
    const text = { ...misspelt, misspelledWord: '', isEditable: false, selectionText: 'some text' };
    expect(contextMenuTemplate(text, target).map((i) => i.role)).toEqual(['copy']);
    expect(contextMenuTemplate({ ...text, selectionText: '' }, target)).toEqual([]);
  });

  it('pops the menu up on right-click in the window, wired to its web contents', () => {
    const contents = Object.assign(new electron.FakeWebContents(), {
      replaceMisspelling: vi.fn(),
      session: { addWordToSpellCheckerDictionary: vi.fn() },
    });
    attachContextMenu(contents as never);
    contents.emit('context-menu', {}, misspelt);
    const menu = electron.Menu.shown.at(-1)!;
    (menu.template[0] as { click(): void }).click();
    expect(contents.replaceMisspelling).toHaveBeenCalledWith('hello');
    (menu.template[3] as { click(): void }).click();
    expect(contents.session.addWordToSpellCheckerDictionary).toHaveBeenCalledWith('helo');
  });

  it('offers "Save as…" on a message file (a card, or an image: its original), which asks where first', () => {
    const file = 'app://relay/files/11111111-1111-4111-8111-111111111111';
    const plain = { ...misspelt, misspelledWord: '', isEditable: false };
    const askWhere = vi.fn();
    const contents = Object.assign(new electron.FakeWebContents(), {
      replaceMisspelling: vi.fn(),
      downloadURL: vi.fn(),
      session: { addWordToSpellCheckerDictionary: vi.fn() },
    });
    attachContextMenu(contents as never, askWhere);
    contents.emit('context-menu', {}, { ...plain, srcURL: `${file}/thumbnail` });
    const menu = electron.Menu.shown.at(-1)!;
    expect((menu.template[0] as { label: string }).label).toBe('Save as…');
    (menu.template[0] as { click(): void }).click();
    expect(askWhere).toHaveBeenCalledWith(file);
    expect(contents.downloadURL).toHaveBeenCalledWith(file);
    // Not on a link elsewhere, and not without a place to ask.
    const target = { replaceMisspelling: vi.fn(), addToDictionary: vi.fn(), saveFileAs: vi.fn() };
    expect(contextMenuTemplate({ ...plain, linkURL: 'https://example.com/files/x' }, target)).toEqual([]);
    expect(contextMenuTemplate({ ...plain, linkURL: file }, { ...target, saveFileAs: undefined })).toEqual(
      [],
    );
    expect(contextMenuTemplate({ ...plain, linkURL: file }, target)[0]?.label).toBe('Save as…');
  });
});

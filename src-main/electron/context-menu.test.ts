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
});

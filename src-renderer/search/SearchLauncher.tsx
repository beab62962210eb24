import { Suspense, useEffect, useState } from 'react';
import { lazyComponent } from '../app/lazy';
import { LineIcon } from '../messages/LineIcon';

/** Loaded when search first opens, not at start-up. */
const SearchDialog = lazyComponent(() => import('./SearchDialog').then((m) => m.SearchDialog));

/** Ctrl+K or Ctrl+F (Cmd on a Mac) opens search from anywhere in the window. */
export function isSearchShortcut(event: KeyboardEvent): boolean {
  const key = event.key.toLowerCase();
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && (key === 'k' || key === 'f');
}

/** The header's "Search" button and the dialog it opens (also from the keyboard shortcut). */
export function SearchLauncher() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isSearchShortcut(event)) return;
      event.preventDefault();
      setOpen(true);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <>
      <button
        type="button"
        className="search-button"
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K Control+F Meta+F"
        title="Search messages (Ctrl+K)"
        onClick={() => setOpen(true)}
      >
        <LineIcon
          path="M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9M10.3 10.3L14 14"
          size={14}
          strokeWidth={1.7}
        />
        <span className="search-button-text">Search</span>
      </button>
      {open && (
        <Suspense fallback={null}>
          <SearchDialog onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}

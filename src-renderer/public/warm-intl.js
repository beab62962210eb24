// Loaded `async` ahead of the app's bundle, with no imports, so it runs while the bundle is still
// being fetched and compiled (the main thread is idle then). The page's first Intl object pays ICU's
// set-up (its data and the default locale: 30–50 ms on a quiet machine, whichever format comes
// first); without this, the first day separator or time of the first render paid it. The formats
// the message list uses (messages/time.ts) cost well under a millisecond each after this.
new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' }).format(0);
new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(0);

// ICU's set-up off the main thread (warm-intl.js starts this worker). ICU's data and its locale and
// time-zone caches belong to the renderer process, not to a JavaScript thread: once a worker has built
// these formats, the main thread's first Intl.DateTimeFormat costs under a millisecond instead of
// 30–50 ms on a quiet machine (BENCHMARKS.md, paint12). The formats the message list uses
// (messages/time.ts).
new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' }).format(0);
new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(0);
postMessage('warm');

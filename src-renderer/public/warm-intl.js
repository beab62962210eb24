// Loaded `async` ahead of the app's bundle, with no imports. The page's first Intl object pays ICU's
// set-up (its data and the default locale: 30–50 ms on a quiet machine, whichever format comes first);
// without a warm-up, the first day separator or time of the first render paid it. ICU's caches are the
// renderer process's, shared by its threads, so a worker pays it (warm-intl-worker.js), off the main
// thread: the main thread no longer spends it while the CSS and the bundle arrive (paint12). Where no
// worker can be made (no Worker, or a policy refuses it), the main thread pays it here, while the
// bundle loads, as before. The formats the message list uses (messages/time.ts) cost well under a
// millisecond each after either.
(() => {
  function warmHere() {
    new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' }).format(0);
    new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(0);
  }
  let worker;
  try {
    worker = new Worker('./warm-intl-worker.js');
  } catch (_) {
    warmHere();
    return;
  }
  // Done (or refused): the worker has nothing more to do.
  worker.onmessage = () => {
    worker.terminate();
  };
  worker.onerror = () => {
    worker.terminate();
    warmHere();
  };
})();

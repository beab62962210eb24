/**
 * A server feed read page by page (catch-up of history, of changes), each page applied in order and
 * once, while the next one is already on its way: the round trips no longer add up to the catch-up's
 * time (bench figures 12 and 13).
 *
 * `next` is asked for the page after `page` before `page` is applied (null: it was the last). A failed
 * fetch is thrown where it is awaited, after the page before it is applied; a failed apply is thrown
 * at once, and the fetch already on its way is dropped.
 *
 * The apply is synchronous work that holds the event loop, and a fetch only writes its request a few
 * promise steps after it is called: applied at once, a page went first and the next request only
 * after it, so nothing overlapped. The loop turns twice before a page is applied: the request is
 * written in the first, and a server in this process (the bench, tests) reads it in the second.
 */
export async function pipelinedPages<P>(
  first: Promise<P>,
  next: (page: P) => Promise<P> | null,
  apply: (page: P) => unknown,
): Promise<void> {
  let page = await first;
  for (;;) {
    const coming = next(page);
    coming?.catch(() => {}); // its failure is not news if the apply before it fails
    if (coming) for (let turn = 0; turn < LOOP_TURNS; turn++) await nextTurn();
    await apply(page);
    if (!coming) return;
    page = await coming;
  }
}

const LOOP_TURNS = 2;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

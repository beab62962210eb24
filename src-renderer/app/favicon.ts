/**
 * The page's icon, asked for once the workspace's first frame is on screen (main.tsx). A browser's tab
 * strip downloads and decodes it in the page's own renderer — an SVG as an isolated SVG document, 5–8 ms
 * of the main thread's CPU — and with the link in index.html that came between the first frame and the
 * next one in 11 of 12 traced cold loads (BENCHMARKS.md, paint12). An Electron window shows no favicon;
 * the browser host's tab gets it a frame or two later.
 */
export const FAVICON = { href: './favicon.svg', type: 'image/svg+xml' } as const;

export function addFavicon(doc: Document = document): void {
  if (doc.head.querySelector('link[rel="icon"]')) return;
  const link = doc.createElement('link');
  link.rel = 'icon';
  link.href = FAVICON.href;
  link.type = FAVICON.type;
  doc.head.append(link);
}

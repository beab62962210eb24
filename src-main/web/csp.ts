/**
 * The renderer's Content-Security-Policy, sent as a header by both hosts (Electron's custom protocol
 * and the browser host's HTTP server). The renderer needs no network of its own: everything goes
 * through the bridge, so in Electron `connect-src` is 'none' and in a browser it is only the host's
 * own WebSocket.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc.length ? connectSrc.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    // Only our own files: public/warm-intl-worker.js sets ICU up off the main thread at start.
    "worker-src 'self'",
    "manifest-src 'self'",
  ].join('; ');
}

/** Headers every renderer response carries, whichever host serves it. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}

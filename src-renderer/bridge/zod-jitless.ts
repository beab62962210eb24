/**
 * The page's CSP has no 'unsafe-eval': zod must not probe for (or use) `new Function`. It decides when
 * an object schema is built, so this module is imported before any module that builds schemas (the
 * browser host's bridge). The Electron window's renderer builds none at start-up (figure 7).
 */
import { z } from 'zod';

z.config({ jitless: true });

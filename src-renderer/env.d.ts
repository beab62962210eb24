/// <reference types="vite/client" />
import type { RelayApi } from '../src-shared/bridge';

declare global {
  interface Window {
    /** The typed bridge, exposed by the Electron preload. Absent in the browser host. */
    relay?: RelayApi;
  }
}

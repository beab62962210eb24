/** The Electron main entry (electron-vite builds it to out/main/index.js). */
import { startDesktopApp } from './electron/app';

startDesktopApp();

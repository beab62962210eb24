/**
 * Who the app is to the OS. The same values are in electron-builder.yml (a test keeps them equal):
 * Windows attributes notifications by AppUserModelID = appId, Linux by the .desktop file's name.
 */
export const APP_ID = 'com.relaychat.desktop';
export const PRODUCT_NAME = 'Relay';
export const DESKTOP_FILE = 'relay.desktop';

/** The renderer is served from `app://relay/`: a standard, secure scheme private to this app. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'relay';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

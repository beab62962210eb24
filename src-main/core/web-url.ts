/** http(s) URLs from the page: the server address at sign-in, and links the user opens. */
import { BridgeFailure } from '../../src-shared/bridge';

/** The URL, if it parses and is http or https; otherwise a VALIDATION failure with the given words. */
export function parseWebUrl(url: string, notAUrl: string, notWeb: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BridgeFailure('VALIDATION', notAUrl);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new BridgeFailure('VALIDATION', notWeb);
  return parsed;
}

/** `openLink`: only web links leave the app; file:, javascript: and custom schemes could run things. */
export async function openWebLink(url: string, openExternal: (url: string) => Promise<void>): Promise<void> {
  const parsed = parseWebUrl(url, 'Not a link', 'Only http and https links can be opened');
  await openExternal(parsed.toString());
}

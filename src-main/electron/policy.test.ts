import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl, isTrustedSenderFrame } from './policy';

describe('shell policy', () => {
  it('opens only http(s) links externally', () => {
    expect(isSafeExternalUrl('https://example.com/a?b#c')).toBe(true);
    expect(isSafeExternalUrl('http://intranet.local/wiki')).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://open',
      'data:text/html,hi',
      'app://relay/index.html',
      'https://user:pw@example.com',
      'not a url',
      '',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('recognises only app://relay as the app', () => {
    expect(isAppUrl('app://relay/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://relay/index.html')).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/index.html')).toBe(false);
  });

  it('trusts only the main frame of our own page as an IPC sender', () => {
    expect(isTrustedSenderFrame({ url: 'app://relay/index.html', parent: null })).toBe(true);
    expect(isTrustedSenderFrame({ url: 'app://relay/index.html', parent: {} })).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSenderFrame(null)).toBe(false);
    expect(isTrustedSenderFrame(undefined)).toBe(false);
  });
});

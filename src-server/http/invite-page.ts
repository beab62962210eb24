/**
 * `GET /invite/TOKEN`: the small page an invite link opens. It asks for a password (twice) and posts it
 * to `POST /api/invites/TOKEN`; the token never leaves the page's own address. The page has no third-party
 * anything, its one script is allowed by a per-response nonce, and nothing from the request is written
 * into it except the token, which has been checked to be base64url.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { MIN_PASSWORD_LENGTH } from '../../src-shared/protocol';
import { INVITE_TOKEN_PATTERN } from '../workspace/invites';

export function sendInvitePage(res: ServerResponse, token: string): void {
  const nonce = randomBytes(16).toString('base64');
  const valid = INVITE_TOKEN_PATTERN.test(token);
  const html = page(valid ? token : '', nonce);
  res.writeHead(valid ? 200 : 404, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  });
  res.end(html);
}

function page(token: string, nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Join Relay</title>
<style nonce="${nonce}">
body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}#result{margin-top:1rem}
</style></head><body>
<h1>Join Relay</h1>
${
  token
    ? `<form id="invite">
<label for="password">Choose a password (at least ${MIN_PASSWORD_LENGTH} characters)</label>
<input id="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required>
<label for="again">Type it again</label>
<input id="again" type="password" autocomplete="new-password" required>
<button type="submit">Set password</button>
<p id="result" role="status"></p>
</form>
<script nonce="${nonce}">
const form = document.getElementById('invite');
const result = document.getElementById('result');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = document.getElementById('password').value;
  if (password !== document.getElementById('again').value) { result.textContent = 'The two passwords differ.'; return; }
  const res = await fetch('/api/invites/${token}', {
    method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({password}),
  }).catch(() => undefined);
  const answer = res ? await res.json().catch(() => ({})) : {};
  if (res && res.ok) {
    form.replaceChildren('Your password is set. Sign in to Relay as ' + answer.user.name + ' with it.');
  } else {
    result.textContent = answer.error || 'The server could not be reached.';
  }
});
</script>`
    : '<p>This invite link is not valid.</p>'
}
</body></html>
`;
}

/**
 * The three login allowances, counted on the real limiter (memory backend): which refusal comes when,
 * what each wait says, and which attempts give their points back. The HTTP flood test
 * (`login-limits.test.ts`) cannot fill the address allowance on purpose (refused-as-busy attempts give
 * their points back as they come), so the allowance's own numbers are held here.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';
import { memoryBackend } from '../limits/limiter';
import { ADDRESS_ATTEMPTS, LoginThrottle, MAX_LOGIN_FAILURES, USERNAME_ATTEMPTS } from './login-throttle';

const FIVE_MINUTES = 5 * 60_000;

/** The refusal `begin` threw, or undefined when it counted the attempt. */
async function refusal(throttle: LoginThrottle, address: string, username: string) {
  try {
    await throttle.begin(address, username);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
}

function expectWindowWait(err: AppError | undefined): void {
  expect(err?.code).toBe(ErrorCode.RATE_LIMITED);
  const wait = err?.hints.retryAfterMs ?? 0;
  // The window's end, not the busy pool's one second.
  expect(wait).toBeGreaterThan(FIVE_MINUTES - 60_000);
  expect(wait).toBeLessThanOrEqual(FIVE_MINUTES);
}

describe('LoginThrottle', () => {
  it('counts ADDRESS_ATTEMPTS from one address across usernames, then refuses until the window ends', async () => {
    const throttle = new LoginThrottle(memoryBackend());
    for (let i = 0; i < ADDRESS_ATTEMPTS; i++) {
      expect(await refusal(throttle, '127.0.0.2', `nobody-${i}`)).toBeUndefined();
    }
    expectWindowWait(await refusal(throttle, '127.0.0.2', 'one-more'));
    // Another address is not touched by it.
    expect(await refusal(throttle, '127.0.0.3', 'one-more')).toBeUndefined();
  });

  it('gives the points of an attempt never checked back, and of a refused one', async () => {
    const throttle = new LoginThrottle(memoryBackend());
    for (let i = 0; i < ADDRESS_ATTEMPTS - 1; i++) await throttle.begin('127.0.0.2', `nobody-${i}`);
    const last = await throttle.begin('127.0.0.2', 'busy');
    expectWindowWait(await refusal(throttle, '127.0.0.2', 'refused'));
    // The pool was busy: the last one was never checked, so its point comes back, once.
    await last.notChecked();
    expect(await refusal(throttle, '127.0.0.2', 'refused')).toBeUndefined();
    expectWindowWait(await refusal(throttle, '127.0.0.2', 'refused'));
    // The two refusals took nothing from the username: of its USERNAME_ATTEMPTS, only the one counted
    // attempt is gone, so as many less one come in from other addresses, and then no more.
    for (let i = 0; i < USERNAME_ATTEMPTS - 1; i++) {
      expect(await refusal(throttle, `127.0.1.${i + 2}`, 'refused')).toBeUndefined();
    }
    expectWindowWait(await refusal(throttle, '127.0.2.2', 'refused'));
  });

  it('gives a success its address and username points back and forgets its pair', async () => {
    const throttle = new LoginThrottle(memoryBackend());
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) await throttle.begin('127.0.0.2', 'alice');
    const right = await throttle.begin('127.0.0.2', 'alice');
    expectWindowWait(await refusal(throttle, '127.0.0.2', 'alice'));
    await right.succeeded();
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      expect(await refusal(throttle, '127.0.0.2', 'alice')).toBeUndefined();
    }
    expectWindowWait(await refusal(throttle, '127.0.0.2', 'alice'));
  });

  it('counts USERNAME_ATTEMPTS of one username across addresses', async () => {
    const throttle = new LoginThrottle(memoryBackend());
    for (let i = 0; i < USERNAME_ATTEMPTS; i++) {
      expect(await refusal(throttle, `127.0.${i >> 8}.${(i & 255) + 2}`, 'alice')).toBeUndefined();
    }
    expectWindowWait(await refusal(throttle, '127.0.9.9', 'alice'));
    expect(await refusal(throttle, '127.0.9.9', 'bob')).toBeUndefined();
  });
});

/**
 * Slows password guessing: after MAX_FAILURES wrong passwords for one username from one address within
 * the window, that pair is refused (429) until the window ends. A successful login clears the count.
 */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

export const MAX_LOGIN_FAILURES = 10;
const WINDOW_SECONDS = 5 * 60;

export class LoginThrottle {
  private readonly failures = new RateLimiterMemory({ points: MAX_LOGIN_FAILURES, duration: WINDOW_SECONDS });

  private key(address: string | undefined, username: string): string {
    return `${address ?? '?'}|${username}`;
  }

  async assertAllowed(address: string | undefined, username: string): Promise<void> {
    const state = await this.failures.get(this.key(address, username));
    if (state && state.consumedPoints >= MAX_LOGIN_FAILURES) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed logins: try again in a few minutes');
    }
  }

  async failed(address: string | undefined, username: string): Promise<void> {
    await this.failures.penalty(this.key(address, username), 1);
  }

  async succeeded(address: string | undefined, username: string): Promise<void> {
    await this.failures.delete(this.key(address, username));
  }
}

import { describe, expect, it } from 'vitest';
import { parseInvite } from './invite';

const token = 'abcDEF123_-'.padEnd(43, 'x');

describe('parseInvite', () => {
  it('takes the server and the token from a whole link, under a path prefix too', () => {
    expect(parseInvite(` http://127.0.0.1:3000/invite/${token} `, '')).toEqual({
      serverUrl: 'http://127.0.0.1:3000',
      token,
    });
    expect(parseInvite(`https://chat.example/relay/invite/${token}/`, '')).toEqual({
      serverUrl: 'https://chat.example/relay',
      token,
    });
  });

  it('takes a bare token with the server given apart, and refuses anything else', () => {
    expect(parseInvite(token, 'http://s:1')).toEqual({ serverUrl: 'http://s:1', token });
    expect(parseInvite('http://s:1/login', '')).toBeNull();
    expect(parseInvite('not a token!', 'http://s:1')).toBeNull();
    expect(parseInvite('   ', 'http://s:1')).toBeNull();
  });
});

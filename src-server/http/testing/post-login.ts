/** POST /api/login from a chosen loopback source address: the login-limit test and bench figure 11. */
import { request } from 'node:http';

export interface LoginAnswer {
  status: number;
  ms: number;
  retryAfter?: string;
  body: string;
}

/** All of 127.0.0.0/8 is this machine: `from` picks the address the server sees. */
export function postLogin(
  url: string,
  body: unknown,
  options: { from?: string; headers?: Record<string, string> } = {},
): Promise<LoginAnswer> {
  const started = performance.now();
  const json = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/login`,
      {
        method: 'POST',
        localAddress: options.from,
        agent: false,
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            retryAfter: res.headers['retry-after'],
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(json);
  });
}

/**
 * 240 parallel logins with random usernames from 127.0.0.2 (the review's flood), and one real login
 * from 127.0.0.3 once the server has answered 200 of them, while the password checks it queued still
 * run. Resolves with the real login, how many of the flood were still unanswered then, and the flood's
 * answers.
 */
export async function loginDuringFlood(
  url: string,
  real: { username: string; password: string },
): Promise<{ real: LoginAnswer; stillChecking: number; flood: LoginAnswer[] }> {
  let answered = 0;
  const flood = Promise.all(
    Array.from({ length: 240 }, (_, i) =>
      postLogin(url, { username: `nobody-${i}-${Math.random()}`, password: 'x' }, { from: '127.0.0.2' }).then(
        (answer) => {
          answered++;
          return answer;
        },
      ),
    ),
  );
  while (answered < 200) await new Promise((r) => setTimeout(r, 10));
  const answer = await postLogin(url, real, { from: '127.0.0.3' });
  const stillChecking = 240 - answered;
  return { real: answer, stillChecking, flood: await flood };
}

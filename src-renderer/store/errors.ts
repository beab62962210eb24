/** What the user reads when something fails: what happened, and what to do about it. */
export type ErrorText = { title: string; detail: string };

const byCode: Record<string, (message: string) => ErrorText> = {
  SERVER_UNREACHABLE: () => ({
    title: "Can't reach the server",
    detail: 'Check your connection. Messages you send are kept and go out when it returns.',
  }),
  UNAUTHORIZED: () => ({
    title: 'Your session has ended',
    detail: 'Sign in again. Messages waiting to be sent are kept.',
  }),
  NOT_SIGNED_IN: () => ({ title: 'You are signed out', detail: 'Sign in to continue.' }),
  RATE_LIMITED: () => ({
    title: 'Sending too fast',
    detail: 'Wait a moment, then use Retry on the message.',
  }),
  VALIDATION: (message) => ({
    title: 'The server refused that',
    detail: withAdvice(message, 'Edit it and try again.'),
  }),
  BAD_REQUEST: (message) => ({
    title: 'That request was not valid',
    detail: withAdvice(message, 'Try again.'),
  }),
  FORBIDDEN: () => ({
    title: 'Not allowed',
    detail: 'You are not a member of that channel. Ask someone in it to add you.',
  }),
  CONFLICT: (message) => ({ title: 'Name taken', detail: withAdvice(message, 'Pick another name.') }),
  NOT_FOUND: () => ({ title: 'Not found', detail: 'That channel or message no longer exists.' }),
  /** A file's cancel came too late (it was uploaded meanwhile) or failed: main says which. */
  UPLOAD_NOT_CANCELLED: (message) => ({ title: 'Could not cancel', detail: message }),
  INTERNAL: () => ({ title: 'Something went wrong', detail: 'Try again in a moment.' }),
};

function withAdvice(message: string, advice: string): string {
  const trimmed = message.trim().replace(/\.?$/, '.');
  return trimmed === '.' ? advice : `${trimmed} ${advice}`;
}

export function describeError(code: string, message: string): ErrorText {
  const explain = byCode[code];
  return explain
    ? explain(message)
    : { title: 'Something went wrong', detail: withAdvice(message, 'Try again.') };
}

/**
 * Structured JSON logs (pino). Call sites never pass tokens, passwords or message bodies; the redaction
 * list is a second line of defence should one ever slip into a logged object.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'token',
  'password',
  'content',
  'authorization',
  '*.token',
  '*.password',
  '*.content',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'auth.token',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { name: 'relay-server', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** "Messages that change" of interface.md on the SQLite store (changes-suite.ts). */
import { describe } from 'vitest';
import { changesSuite } from './changes-suite';

describe('messages that change on SQLite', () => changesSuite(async () => ({})));

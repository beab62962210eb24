/** The Workspace section of interface.md on the SQLite store (suite.ts). */
import { describe } from 'vitest';
import { workspaceSuite } from './suite';

describe('workspace on SQLite', () => workspaceSuite(async () => ({})));

/**
 * Figure 9: local search (issue 14). A real account database (SQLite file, FTS5) holding N cached
 * messages; the core's searchMessages offline (the index plus snippets), one query at a time. Bound:
 * p99 ≤ 50 ms at 100,000 messages.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApiClient } from '../../src-main/core/api';
import { silentLogger } from '../../src-main/core/ports';
import { searchMessages } from '../../src-main/core/search';
import { LocalStore } from '../../src-main/store/store';
import { serverMessage } from '../../src-shared/testing/messages';
import { makeRow, type Row } from '../lib/result';
import { percentile } from '../lib/stats';
import type { Bench } from './context';

const WORDS = Array.from({ length: 3_000 }, (_, i) => `w${(i * 7919) % 100_000}x`);
const COMMON = ['deploy', 'release', 'meeting', 'review', 'lunch', 'bug', 'build', 'café'];

export async function figure9(bench: Bench): Promise<Row[]> {
  const { messages, queries } = bench.options.scale.search;
  bench.log(`figure 9: local search over ${messages} cached messages, ${queries} queries`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'relay-bench-search-'));
  const selfId = randomUUID();
  const store = LocalStore.open({ file: path.join(dir, 'db.sqlite'), selfId });
  try {
    const channelId = randomUUID();
    const author = { id: randomUUID(), name: 'bob' };
    let seed = 1;
    const next = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const words = (k: number) =>
      Array.from({ length: k }, () =>
        next(10) === 0 ? COMMON[next(COMMON.length)] : WORDS[next(WORDS.length)],
      );
    const start = Date.parse('2026-01-01T00:00:00Z');
    store.transaction(() => {
      for (let seq = 1; seq <= messages; seq++) {
        const at = new Date(start + seq * 1000).toISOString();
        store.upsertServerMessage(
          serverMessage({ channelId, user: author, seq, at, content: words(12).join(' ') }),
        );
      }
    });
    const deps = {
      store,
      api: createApiClient(fetch, 1_000),
      logger: silentLogger,
      credentials: null,
      foundOnServer: new Map(),
    };
    const samples: number[] = [];
    let found = 0;
    for (let i = 0; i < queries; i++) {
      // Common words (many matches), rare ones, prefixes and two-word queries.
      const query =
        i % 3 === 0
          ? COMMON[i % COMMON.length]!
          : i % 3 === 1
            ? words(1)[0]!.slice(0, 3)
            : words(2).join(' ');
      const t0 = performance.now();
      const { results } = await searchMessages(deps, { query, limit: 20 });
      samples.push(performance.now() - t0);
      found += results.length;
    }
    const note = `${messages} messages, ${queries} queries, ${(found / queries).toFixed(1)} results each on average`;
    return (['p50', 'p99'] as const).map((q) =>
      makeRow({
        name: `9. local search ${q} (${messages} cached)`,
        value: percentile(samples, q === 'p50' ? 50 : 99),
        unit: 'ms',
        checks: q === 'p99' ? [{ op: '<=', limit: 50, of: 'value' }] : [],
        note,
      }),
    );
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The UI events of a batch go out once it is done, and what they read is read in one transaction. */
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src-shared/bridge';
import type { MessageRow } from '../store/store';
import { CoreEmitter } from './emitter';
import { EventBatch } from './event-batch';
import type { Logger } from './ports';

function row(key: string): MessageRow {
  return { key } as MessageRow;
}

describe('EventBatch', () => {
  it('builds the views of a batch inside one read, and emits once it is over', () => {
    const calls: string[] = [];
    let inRead = false;
    const quiet = () => {};
    const emitter = new CoreEmitter({ debug: quiet, info: quiet, warn: quiet, error: quiet } as Logger);
    const upserted: string[][] = [];
    emitter.on('messagesUpserted', (views) => {
      calls.push(`upserted ${inRead ? 'in' : 'out'}`);
      upserted.push(views.map((v) => v.key));
    });
    const batch = new EventBatch({
      emitter,
      view: (r) => {
        calls.push(`view ${r.key} ${inRead ? 'in' : 'out'}`);
        return { key: r.key } as MessageView;
      },
      outboxCounts: () => calls.push(`outbox ${inRead ? 'in' : 'out'}`),
      unread: (ids) => calls.push(`unread ${[...ids].join(',')} ${inRead ? 'in' : 'out'}`),
      reading: (read) => {
        calls.push('begin');
        inRead = true;
        try {
          return read();
        } finally {
          inRead = false;
          calls.push('end');
        }
      },
    });
    batch.run(() => {
      batch.message(row('a'));
      batch.message(row('b'));
      batch.message(row('a'));
      batch.outbox();
      batch.unread('c1');
      // Nothing is read while the work runs: it may still change what the views show.
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual([
      'begin',
      'view a in',
      'view b in',
      'end',
      'upserted out',
      'outbox out',
      'unread c1 out',
    ]);
    expect(upserted).toEqual([['a', 'b']]);
  });
});

import { describe, expect, it } from 'vitest';
import { AuthRefusalReason, ChangeEvent, ErrorCode, MessageEvent, RoomEvent, WorkspaceEvent } from './index';
import { nameTable } from './name-table';

describe('nameTable', () => {
  it('names each value in upper case with `:` as `_`, dropping the prefix it is given', () => {
    expect(nameTable(['message:typing:start', 'reaction:add', 'token_missing'], 'message:')).toStrictEqual({
      TYPING_START: 'message:typing:start',
      REACTION_ADD: 'reaction:add',
      TOKEN_MISSING: 'token_missing',
    });
  });

  it('gives the protocol tables the names the code and interface.md use', () => {
    expect([MessageEvent.SEND, MessageEvent.TYPING_STOP, MessageEvent.ERROR]).toEqual([
      'message:send',
      'message:typing:stop',
      'message:error',
    ]);
    expect([RoomEvent.JOIN, WorkspaceEvent.PRESENCE_SET, WorkspaceEvent.CHANNEL_JOINED]).toEqual([
      'room:join',
      'presence:set',
      'channel:joined',
    ]);
    expect([ChangeEvent.EDIT, ChangeEvent.REACTION_UPDATED, ErrorCode.OUT_OF_ORDER]).toEqual([
      'message:edit',
      'reaction:updated',
      'OUT_OF_ORDER',
    ]);
    expect(AuthRefusalReason.USER_MISMATCH).toBe('user_mismatch');
    expect(Object.isFrozen(MessageEvent)).toBe(true);
  });
});

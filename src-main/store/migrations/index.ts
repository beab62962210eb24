/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records how many ran. Add a file
 * with the next number and list it here; never edit one that has shipped.
 */
import m001 from './001-initial';
import m002 from './002-outbox-by-queued-at';
import m003 from './003-device-sequence';
import m004 from './004-unread-replies';
import m005 from './005-workspace-channels';
import m006 from './006-message-files';
import m007 from './007-operations';
import m008 from './008-message-search';
import m009 from './009-upload-operations';
import m010 from './010-search-index-off-write-path';
import m011 from './011-operations-fewer-indexes';
import m012 from './012-queue-and-search-off-the-send';
import m013 from './013-messages-fewer-indexes';
import m014 from './014-content-and-reaction-sequences';
import m015 from './015-own-messages-by-seq';
import m016 from './016-sends-found-through-their-message';

export const migrations: readonly string[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
  m016,
];

/**
 * The files of an own message still being uploaded (issue 17): each a chip with its progress (main
 * reports the bytes handed to the network, `uploadProgress`, at most every 100 ms) and a cancel button.
 * A cancel is main's to do durably: the file leaves the message, and a message left with nothing to
 * send goes away (main says so with messageUpserted / messageRemoved).
 */
import { useEffect, useState } from 'react';
import type { PendingUpload } from '../../src-shared/bridge';
import { formatSize } from '../../src-shared/protocol/file-display';
import { useAppStore, useRelay } from '../store/context';

export function PendingUploads({ uploads, tabIndex }: { uploads: PendingUpload[]; tabIndex?: number }) {
  return (
    <ul className="pending-uploads" aria-label="Files being sent">
      {uploads.map((upload) => (
        <UploadChip key={upload.opId} upload={upload} tabIndex={tabIndex} />
      ))}
    </ul>
  );
}

/** The share of the file sent, 0–100, whole percent. */
export function percentSent(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((sent / total) * 100));
}

function UploadChip({ upload, tabIndex }: { upload: PendingUpload; tabIndex?: number }) {
  const relay = useRelay();
  const store = useAppStore();
  const [percent, setPercent] = useState(0);
  const [cancelling, setCancelling] = useState(false);
  useEffect(
    () =>
      relay.on('uploadProgress', (progress) => {
        if (progress.opId === upload.opId) setPercent(percentSent(progress.sent, progress.total));
      }),
    [relay, upload.opId],
  );

  async function cancel() {
    setCancelling(true);
    const result = await relay.cancelUpload({ opId: upload.opId });
    if (!result.ok) {
      setCancelling(false);
      store.getState().showError({ code: 'UPLOAD_NOT_CANCELLED', message: result.error.message });
    }
  }

  return (
    <li className="composer-file pending-upload">
      <span className="composer-file-name">{upload.name}</span>
      <span className="composer-file-size">{formatSize(upload.size)}</span>
      <div
        className="upload-progress"
        role="progressbar"
        aria-label={`Uploading ${upload.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span className="upload-progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <button
        type="button"
        aria-label={`Cancel ${upload.name}`}
        disabled={cancelling}
        tabIndex={tabIndex}
        onClick={() => void cancel()}
      >
        ×
      </button>
    </li>
  );
}

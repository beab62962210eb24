/**
 * The files a message carries (issue 17). Raster images show inline as their thumbnail, sized to a box,
 * and open in a viewer (Esc closes, ←/→ move between the message's images); other files are a card
 * (name, size, type) that downloads. The bytes come from main (`/files/:id` on the page's own origin:
 * the browser host's HTTP server, Electron's app:// protocol), never from the network.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageFile } from '../../src-shared/protocol';
import { formatSize, INLINE_IMAGE_TYPES } from '../../src-shared/protocol/file-display';

export const fileUrl = (id: string) => `/files/${encodeURIComponent(id)}`;
export const thumbnailUrl = (id: string) => `${fileUrl(id)}/thumbnail`;

export { formatSize };

/** A short type label: the extension, else the MIME subtype ("PDF", "TXT", "ZIP"). */
export function typeLabel(file: MessageFile): string {
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1];
  return (extension ?? file.mime.split('/')[1] ?? 'file').toUpperCase();
}

export function MessageFiles({ files, tabIndex }: { files: MessageFile[]; tabIndex?: number }) {
  const images = files.filter((f) => INLINE_IMAGE_TYPES.has(f.mime));
  const others = files.filter((f) => !INLINE_IMAGE_TYPES.has(f.mime));
  const [viewing, setViewing] = useState<number | null>(null);
  return (
    <div className="message-files">
      {images.map((file, index) => (
        <button
          key={file.id}
          type="button"
          className="file-image"
          data-testid="file"
          data-file-id={file.id}
          onClick={() => setViewing(index)}
          aria-label={`Open image ${file.name}`}
          tabIndex={tabIndex}
        >
          <img src={thumbnailUrl(file.id)} alt={file.name} loading="lazy" decoding="async" />
        </button>
      ))}
      {others.map((file) => (
        <a
          key={file.id}
          className="file-card"
          data-testid="file"
          data-file-id={file.id}
          href={fileUrl(file.id)}
          download={file.name}
          tabIndex={tabIndex}
        >
          <span className="file-type" aria-hidden="true">
            {typeLabel(file)}
          </span>
          <span className="file-name">{file.name}</span>
          <span className="file-size">
            {formatSize(file.size)} · {file.mime}
          </span>
        </a>
      ))}
      {viewing !== null && images[viewing] && (
        <ImageViewer images={images} index={viewing} onMove={setViewing} onClose={() => setViewing(null)} />
      )}
    </div>
  );
}

function ImageViewer({
  images,
  index,
  onMove,
  onClose,
}: {
  images: MessageFile[];
  index: number;
  onMove(index: number): void;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  const image = images[index]!;
  const onKey = useCallback(
    (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
      else if (event.key === 'ArrowRight' && index < images.length - 1) onMove(index + 1);
      else if (event.key === 'ArrowLeft' && index > 0) onMove(index - 1);
      else return;
      event.preventDefault();
      event.stopPropagation();
    },
    [images.length, index, onClose, onMove],
  );
  useEffect(() => {
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [onKey]);
  useEffect(() => dialog.current?.focus(), []);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard is handled for the whole document (Esc, arrows).
    <div
      ref={dialog}
      className="image-viewer"
      data-testid="image-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={`${image.name} (${index + 1} of ${images.length})`}
      tabIndex={-1}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <img src={fileUrl(image.id)} alt={image.name} data-file-id={image.id} />
      <div className="image-viewer-bar">
        <span>
          {image.name} · {index + 1} / {images.length}
        </span>
        <a href={fileUrl(image.id)} download={image.name}>
          Download
        </a>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

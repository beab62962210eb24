// @vitest-environment happy-dom
/** A message's files: images inline from main's /files route, other files as download cards, the viewer's keys. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { formatSize, MessageFiles } from './MessageFiles';

afterEach(cleanup);

const a = { id: '11111111-1111-4111-8111-111111111111', name: 'a.png', size: 2048, mime: 'image/png' };
const b = { id: '22222222-2222-4222-8222-222222222222', name: 'b.jpg', size: 4096, mime: 'image/jpeg' };
const pdf = {
  id: '33333333-3333-4333-8333-333333333333',
  name: 'report.pdf',
  size: 3 * 1024 * 1024,
  mime: 'application/pdf',
};
const svg = { id: '44444444-4444-4444-8444-444444444444', name: 'x.svg', size: 10, mime: 'image/svg+xml' };

it('shows raster images as thumbnails and everything else (an SVG too) as a download card', () => {
  render(<MessageFiles files={[a, pdf, svg, b]} />);
  const files = screen.getAllByTestId('file');
  expect(files.map((f) => f.getAttribute('data-file-id'))).toEqual([a.id, b.id, pdf.id, svg.id]);
  expect(files[0]!.querySelector('img')!.getAttribute('src')).toBe(`/files/${a.id}/thumbnail`);
  const card = files[2]!;
  expect(card.tagName).toBe('A');
  expect(card.getAttribute('href')).toBe(`/files/${pdf.id}`);
  expect(card.getAttribute('download')).toBe('report.pdf');
  expect(card.textContent).toContain('report.pdf');
  expect(card.textContent).toContain('3.0 MB');
  expect(card.textContent).toContain('PDF');
  expect(files[3]!.querySelector('img')).toBeNull();
});

it('opens the viewer on a click; arrows move between the images, Esc closes', () => {
  render(<MessageFiles files={[a, pdf, b]} />);
  fireEvent.click(screen.getAllByTestId('file')[0]!);
  const shown = () => screen.getByTestId('image-viewer').querySelector('img')!.getAttribute('src');
  expect(shown()).toBe(`/files/${a.id}`);
  fireEvent.keyDown(document, { key: 'ArrowRight' });
  expect(shown()).toBe(`/files/${b.id}`);
  fireEvent.keyDown(document, { key: 'ArrowRight' }); // the last one: stays
  expect(shown()).toBe(`/files/${b.id}`);
  fireEvent.keyDown(document, { key: 'ArrowLeft' });
  expect(shown()).toBe(`/files/${a.id}`);
  fireEvent.keyDown(document, { key: 'Escape' });
  expect(screen.queryByTestId('image-viewer')).toBeNull();
});

it('formats sizes', () => {
  expect([formatSize(10), formatSize(1536), formatSize(20 * 1024), formatSize(25 * 1024 ** 2)]).toEqual([
    '10 B',
    '1.5 KB',
    '20 KB',
    '25.0 MB',
  ]);
});

/** The Files routes of interface.md (see upload.ts and download.ts). */
import { type Route, routeTable } from '../http/route-table';
import { downloadFile, downloadThumbnail } from './download';
import { uploadFile } from './upload';

const ROUTES: Route[] = [
  { method: 'POST', path: /^\/api\/files$/, handler: uploadFile },
  { method: 'GET', path: /^\/api\/files\/([^/]+)$/, handler: downloadFile },
  { method: 'GET', path: /^\/api\/files\/([^/]+)\/thumbnail$/, handler: downloadThumbnail },
];

/** Answers the request when it is a file route; false when it is not one. */
export const routeFiles = routeTable(ROUTES);

/**
 * Issue 17: the files a message carries ([{id, name, size, mime}] as JSON, as the server sent them), so
 * the page can show them; the bytes stay on the server and in the file cache (core/file-cache.ts).
 */
export default /* sql */ `
ALTER TABLE messages ADD COLUMN files_json TEXT;
`;

import { type Driver, hasPresignedUrls, type PresignedUrls } from '@stowage/storage';
import type { FastifyReply } from 'fastify';
import type { AssetsMode } from '../config/location-settings.js';
import type { FileRow } from '../db/schema.js';
import { invalidQuery } from '../http/errors.js';
import { contentDisposition } from './content-disposition.js';

/**
 * Whether a download goes to the backend directly: `?redirect` (or `?redirect=false`)
 * decides, else the location's mode. Only GET: a presigned GET URL does not answer HEAD
 * (the method is signed), and a HEAD has no bytes to spare us. A location whose driver
 * cannot presign serves the bytes itself, whatever the request asked.
 */
export function redirectsTo(
  driver: Driver,
  method: string,
  mode: AssetsMode,
  redirect: string | undefined,
): (Driver & PresignedUrls) | undefined {
  const asked = redirect === undefined ? mode === 'redirect' : parseFlag(redirect);
  return asked && method === 'GET' && hasPresignedUrls(driver) ? driver : undefined;
}

function parseFlag(value: string): boolean {
  if (['', 'true', '1'].includes(value)) return true;
  if (['false', '0'].includes(value)) return false;
  throw invalidQuery(`redirect must be true or false, not "${value}"`);
}

/**
 * 302 to a presigned GetObject URL that answers with the file's type and name (the
 * object's own metadata may say otherwise). The URL's validity starts at the last
 * half-TTL boundary, so requests in the same window get the same URL and browsers can
 * reuse what they fetched through it; the redirect may be reused for as long as the URL
 * still has a margin left (clocks of the API and the backend may differ a little).
 */
export async function redirectToBackend(
  reply: FastifyReply,
  driver: PresignedUrls,
  file: FileRow,
  download: boolean,
  ttlMs: number,
): Promise<FastifyReply> {
  const window = ttlMs / 2;
  const now = Date.now();
  const signedAt = new Date(Math.floor(now / window) * window);
  const url = await driver.presignRead(file.filename_disk, {
    expiresIn: Math.floor(ttlMs / 1000),
    signedAt,
    responseContentType: file.type ?? 'application/octet-stream',
    responseContentDisposition: contentDisposition(
      download ? 'attachment' : 'inline',
      file.filename_download,
    ),
  });
  const margin = Math.min(60_000, ttlMs / 10);
  const maxAge = Math.max(0, Math.floor((signedAt.getTime() + ttlMs - margin - now) / 1000));
  return reply.code(302).header('location', url).header('cache-control', `private, max-age=${maxAge}`).send();
}

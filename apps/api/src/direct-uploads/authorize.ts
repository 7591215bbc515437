import type { AppContext } from '../context.js';
import { ApiError, invalidPayload } from '../http/errors.js';
import { hashToken } from '../http/tokens.js';
import { readGrant } from './grants.js';

const expired = () => new ApiError(403, 'TOKEN_EXPIRED', 'This upload endpoint has expired');

/**
 * The id of the upload that the grant in the path lets the request work on: the upload
 * it was issued for, or (a location's grant) the upload `id` when it was started through
 * that grant, which its record keeps the hash of. A location's grant only bounds when
 * uploads may start: each may finish within its own expiry.
 */
export async function authorizeUpload(context: AppContext, grantParam: string, id?: string): Promise<string> {
  const grant = readGrant(context.signer, grantParam);
  if (grant.scope.file !== undefined) {
    if (id !== undefined && id.toLowerCase() !== grant.scope.file)
      throw new ApiError(403, 'FORBIDDEN', 'This endpoint is for another upload');
    if (grant.expired) throw expired();
    return grant.scope.file;
  }
  if (id === undefined)
    throw invalidPayload('This endpoint starts uploads; complete or abort one at its own endpoint');
  const file = await context.records.get(id.toLowerCase());
  if (!file || file.upload_token_hash !== hashToken(grantParam))
    throw new ApiError(403, 'FORBIDDEN', 'This upload was not started through this endpoint');
  return file.id;
}

/** The location a grant lets the request start uploads into; undefined for one upload's grant. */
export function locationOfGrant(context: AppContext, grantParam: string): string | undefined {
  const grant = readGrant(context.signer, grantParam);
  if (grant.expired) throw expired();
  return grant.scope.location;
}

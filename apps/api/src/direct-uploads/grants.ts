import { isUuid } from '../files/names.js';
import { ApiError } from '../http/errors.js';
import type { UrlSigner } from '../http/url-signer.js';

const PURPOSE = 'upload';

/** What an upload grant lets its holder do: work on one upload, or start uploads into one location. */
export type GrantScope = { file: string; location?: undefined } | { location: string; file?: undefined };

export interface Grant {
  scope: GrantScope;
  /** Unix seconds. */
  expires: number;
  expired: boolean;
}

/**
 * The grant in the path of a direct upload's endpoints, `<scope>.<expires>.<signature>`:
 * a capability for clients that cannot send a token (Uppy talks to them with no
 * header). The scope is a file id (uuid) or a location name (never a uuid).
 */
export function issueGrant(signer: UrlSigner, scope: GrantScope, expires: number): string {
  const subject = scope.file ?? scope.location;
  return `${subject}.${expires}.${signer.sign(PURPOSE, subject, expires)}`;
}

/** The grant's scope and expiry; 403 for anything this server did not sign. */
export function readGrant(signer: UrlSigner, grant: string): Grant {
  const [subject, expires, signature, ...rest] = grant.split('.');
  const valid =
    subject !== undefined &&
    expires !== undefined &&
    /^\d{1,12}$/.test(expires) &&
    signature !== undefined &&
    rest.length === 0 &&
    signer.verify(signature, PURPOSE, subject, Number(expires));
  if (!valid) throw new ApiError(403, 'FORBIDDEN', 'This upload endpoint is not valid');
  return {
    scope: isUuid(subject) ? { file: subject.toLowerCase() } : { location: subject },
    expires: Number(expires),
    expired: Number(expires) * 1000 <= Date.now(),
  };
}

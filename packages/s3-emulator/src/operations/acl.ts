import { notImplemented } from '../s3-error.js';
import { el, type XmlNode } from '../xml.js';
import { owner } from './buckets.js';
import { type OperationHandler, xmlResponse } from './context.js';

const allUsers = 'http://acs.amazonaws.com/groups/global/AllUsers';
const authenticatedUsers = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

function groupGrant(uri: string, permission: string): XmlNode {
  return el('Grant', el('Grantee', el('URI', uri)), el('Permission', permission));
}

/** The grants a canned ACL stands for, besides the owner's FULL_CONTROL. */
const cannedGrants: Record<string, XmlNode[]> = {
  'public-read': [groupGrant(allUsers, 'READ')],
  'public-read-write': [groupGrant(allUsers, 'READ'), groupGrant(allUsers, 'WRITE')],
  'authenticated-read': [groupGrant(authenticatedUsers, 'READ')],
};

export const getObjectAcl: OperationHandler = ({ store, bucket, key, profile }) => {
  if (profile.noAclApi) throw notImplemented('GetObjectAcl not implemented');
  const object = store.bucket(bucket).object(key);
  const ownerGrant = el(
    'Grant',
    el('Grantee', el('ID', 'emulator-owner'), el('DisplayName', 'emulator')),
    el('Permission', 'FULL_CONTROL'),
  );
  return xmlResponse(
    el('AccessControlPolicy', owner, el('AccessControlList', ownerGrant, cannedGrants[object.acl] ?? [])),
  );
};

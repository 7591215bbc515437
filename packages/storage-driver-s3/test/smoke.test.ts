import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { assertValidKey } from '@stowage/storage';
import { rawS3Client } from '@stowage/test-s3-server';
import { expect, inject, it } from 'vitest';

it('reaches the server', async () => {
  const s = inject('s3Server');
  expect(assertValidKey('a/b')).toBe('a/b');
  const out = await rawS3Client(s!).send(new ListBucketsCommand({}));
  expect(out.Buckets).toBeDefined();
});

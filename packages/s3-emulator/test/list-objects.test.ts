import { ListObjectsV2Command, type ListObjectsV2CommandInput } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Emulator } from '../src/index.js';
import { clientFor } from './clients.js';

const emulator = createS3Emulator().listen().createBucket('list');
const client = clientFor(emulator);
afterAll(() => emulator.close());

const keys = ['a/1', 'a/2', 'a/b/3', 'b', 'c/4', 'c/5', 'z', '\u{1F600}', '\uFFFD', 'a+b', 'a b'];
beforeAll(() => {
  for (const key of keys) emulator.putObject('list', key, key);
});

/** Every page of a listing, following continuation tokens. */
async function allPages(input: Omit<ListObjectsV2CommandInput, 'Bucket'>) {
  const pages = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: 'list', ...input, ContinuationToken }));
    pages.push(page);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return pages;
}

describe('ListObjectsV2', () => {
  it('lists keys in UTF-8 byte order (U+FFFD before an emoji, unlike UTF-16 order)', async () => {
    const [page] = await allPages({});
    expect(page?.Contents?.map((object) => object.Key)).toEqual([
      'a b',
      'a+b',
      'a/1',
      'a/2',
      'a/b/3',
      'b',
      'c/4',
      'c/5',
      'z',
      '\uFFFD',
      '\u{1F600}',
    ]);
    expect(page).toMatchObject({ KeyCount: 11, IsTruncated: false, MaxKeys: 1000 });
    expect(page?.Contents?.[0]).toMatchObject({ Size: 3, ETag: emulator.object('list', 'a b')?.etag });
  });

  it('groups by delimiter and pages over keys and common prefixes alike', async () => {
    const pages = await allPages({ Delimiter: '/', MaxKeys: 2 });
    expect(
      pages.map((page) => [
        ...(page.Contents ?? []).map((o) => o.Key),
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix),
      ]),
    ).toEqual([
      ['a b', 'a+b'],
      ['b', 'a/'],
      ['z', 'c/'],
      ['\uFFFD', '\u{1F600}'],
    ]);
    expect(pages.map((page) => [page.KeyCount, page.IsTruncated])).toEqual([
      [2, true],
      [2, true],
      [2, true],
      [2, false],
    ]);
  });

  it('filters by prefix, with a delimiter inside the prefix', async () => {
    const [page] = await allPages({ Prefix: 'a/', Delimiter: '/' });
    expect(page?.Contents?.map((o) => o.Key)).toEqual(['a/1', 'a/2']);
    expect(page?.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/b/']);
  });

  it('starts after a key', async () => {
    const [page] = await allPages({ StartAfter: 'c/4' });
    expect(page?.Contents?.map((o) => o.Key)).toEqual(['c/5', 'z', '\uFFFD', '\u{1F600}']);
  });

  it('URL-encodes keys when asked to', async () => {
    const [page] = await allPages({ Prefix: 'a', EncodingType: 'url', MaxKeys: 2 });
    expect(page?.Contents?.map((o) => o.Key)).toEqual(['a%20b', 'a%2Bb']);
  });
});

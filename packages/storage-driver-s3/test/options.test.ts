import { InvalidStorageConfigError, StorageManager } from '@stowage/storage';
import { describe, expect, it } from 'vitest';
import { optionsSchema, S3Driver } from '../src/index.js';
import { PROVIDERS } from '../src/providers.js';

const parse = (options: Record<string, unknown>) => optionsSchema.parse({ bucket: 'b', ...options });
const issuesOf = (options: Record<string, unknown>) => {
  const result = optionsSchema.safeParse({ bucket: 'b', ...options });
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
};
const quirksOf = (options: Record<string, unknown>) => new S3Driver({ bucket: 'b', ...options }).provider;

describe('options', () => {
  it('has these defaults', () => {
    expect(parse({})).toEqual({
      bucket: 'b',
      root: '',
      connectionTimeout: 5000,
      socketTimeout: 120_000,
      maxSockets: 500,
      keepAlive: true,
      multipartThreshold: 16 * 1024 ** 2,
      queueSize: 4,
    });
  });

  it('coerces strings from the environment', () => {
    const options = parse({
      forcePathStyle: 'true',
      keepAlive: 'no',
      connectionTimeout: '1000',
      socketTimeout: '0',
      maxSockets: '8',
      queueSize: '2',
      copyFallbackToMultipart: 'on',
      sendAcl: '1',
      maxObjectSize: '100GiB',
      maxCopyObjectSize: '1 GiB',
      multipartThreshold: '8MB',
      partSize: '64MiB',
    });
    expect(options).toMatchObject({
      forcePathStyle: true,
      keepAlive: false,
      connectionTimeout: 1000,
      socketTimeout: 0,
      maxSockets: 8,
      queueSize: 2,
      copyFallbackToMultipart: true,
      sendAcl: true,
      maxObjectSize: 100 * 1024 ** 3,
      maxCopyObjectSize: 1024 ** 3,
      multipartThreshold: 8 * 1024 ** 2,
      partSize: 64 * 1024 ** 2,
    });
  });

  it('normalises root: no leading slash, one trailing slash', () => {
    expect(parse({ root: '/a/b' }).root).toBe('a/b/');
    expect(parse({ root: 'a/b//' }).root).toBe('a/b/');
    expect(parse({ root: '/' }).root).toBe('');
    expect(new S3Driver({ bucket: 'b', root: 'x' }).objectKey('k/l')).toBe('x/k/l');
    expect(new S3Driver({ bucket: 'b', root: 'x' }).internalKey('tus/1.info')).toBe('x/.stowage/tus/1.info');
  });

  it.each([
    ['a missing bucket', 'bucket', { bucket: undefined }],
    ['unknown option', 'bukcet', { bukcet: 'x' }],
    ['key without secret', 'secret', { key: 'AKIA' }],
    ['secret without key', 'key', { secret: 'shh' }],
    ['KMS key id without aws:kms', 'serverSideEncryptionKmsKeyId', { serverSideEncryptionKmsKeyId: 'k' }],
    [
      'KMS key id with AES256',
      'serverSideEncryptionKmsKeyId',
      { serverSideEncryption: 'AES256', serverSideEncryptionKmsKeyId: 'k' },
    ],
    ['unknown ACL', 'acl', { acl: 'public' }],
    ['ACL on R2', 'acl', { provider: 'r2', acl: 'public-read' }],
    ['ACL with sendAcl false', 'acl', { sendAcl: false, acl: 'authenticated-read' }],
    ['ftp endpoint', 'endpoint', { endpoint: 'ftp://example.com' }],
    ['endpoint that is no URL', 'endpoint', { endpoint: 'localhost:9000' }],
    ['unknown provider', 'provider', { provider: 'gcs' }],
    ['unknown encryption', 'serverSideEncryption', { serverSideEncryption: 'rot13' }],
    ['part size under 5 MiB', 'partSize', { partSize: '4MiB' }],
    ['parts too small for maxObjectSize', 'partSize', { partSize: '8MiB' }],
    ['queueSize 0', 'queueSize', { queueSize: '0' }],
    ['maxSockets not a number', 'maxSockets', { maxSockets: 'many' }],
    ['keepAlive not a boolean', 'keepAlive', { keepAlive: 'maybe' }],
    ['checksum mode', 'requestChecksumCalculation', { requestChecksumCalculation: 'ALWAYS' }],
    ['health check mode', 'healthCheck', { healthCheck: 'write-only' }],
  ])('refuses %s, naming option %s', (_, option, options) => {
    const issues = issuesOf(options);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((issue) => issue.path.includes(option) || issue.message.includes(option))).toBe(true);
  });

  it('takes parts that fit a smaller maxObjectSize', () => {
    expect(parse({ partSize: '8MiB', maxObjectSize: '50GiB' }).partSize).toBe(8 * 1024 ** 2);
  });

  it('fails at construction, naming the option', () => {
    expect(() => new S3Driver({ bucket: 'b', serverSideEncryptionKmsKeyId: 'k' })).toThrow(
      /serverSideEncryptionKmsKeyId/,
    );
  });
});

describe('provider presets', () => {
  it('a custom endpoint gets WHEN_REQUIRED checksums, AWS keeps the SDK default', async () => {
    const checksums = async (options: Record<string, unknown>) =>
      new S3Driver({ bucket: 'b', ...options }).client.config.requestChecksumCalculation();
    expect(await checksums({})).toBe('WHEN_SUPPORTED');
    expect(await checksums({ endpoint: 'https://s3.example.com' })).toBe('WHEN_REQUIRED');
    expect(await checksums({ provider: 'aws', endpoint: 'https://s3.example.com' })).toBe('WHEN_REQUIRED');
  });

  it('falls back to a multipart copy on every provider, unless told not to', () => {
    for (const provider of PROVIDERS) expect(quirksOf({ provider }).copyFallbackToMultipart).toBe(true);
    expect(quirksOf({ endpoint: 'http://127.0.0.1:7480' }).copyFallbackToMultipart).toBe(true);
  });

  it('explicit options win over the preset', () => {
    expect(
      quirksOf({
        provider: 'ceph',
        forcePathStyle: 'false',
        copyFallbackToMultipart: 'false',
        requestChecksumCalculation: 'WHEN_SUPPORTED',
        region: 'eu-west-1',
        healthCheck: 'read-only',
        maxCopyObjectSize: '1GiB',
      }),
    ).toMatchObject({
      forcePathStyle: false,
      copyFallbackToMultipart: false,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
      region: 'eu-west-1',
      healthCheck: 'read-only',
      maxCopyObjectSize: 1024 ** 3,
    });
  });

  it('warns that Ceph stores AES256 objects unencrypted', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    new S3Driver({ bucket: 'b', provider: 'ceph', serverSideEncryption: 'AES256' });
    expect((await warned).message).toMatch(
      /ceph accepts serverSideEncryption AES256 but stores objects unencrypted/,
    );
  });

  it('sends no ACL header where the provider forbids it', () => {
    expect(new S3Driver({ bucket: 'b', provider: 'r2', acl: 'private' }).objectWriteParams()).toEqual({});
    expect(
      new S3Driver({
        bucket: 'b',
        acl: 'public-read',
        serverSideEncryption: 'aws:kms',
        serverSideEncryptionKmsKeyId: 'k',
      }).objectWriteParams(),
    ).toEqual({ ACL: 'public-read', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'k' });
    expect(new S3Driver({ bucket: 'b' }).objectWriteParams()).toEqual({});
  });

  it('configures the client: region, path style, checksum modes', async () => {
    const driver = new S3Driver({
      bucket: 'b',
      provider: 'r2',
      endpoint: 'https://acc.r2.cloudflarestorage.com',
    });
    expect(await driver.client.config.region()).toBe('auto');
    expect(driver.client.config.forcePathStyle).toBe(false);
    expect(await driver.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await driver.client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
  });
});

describe('from the environment', () => {
  const load = async (variables: Record<string, string>) => {
    const manager = new StorageManager();
    manager.registerDriver('s3', () => import('../src/index.js'));
    await manager.loadFromEnv({ STORAGE_LOCATIONS: 'r2', STORAGE_R2_DRIVER: 's3', ...variables });
    return manager;
  };

  it('reads every option from STORAGE_<NAME>_<OPTION>', async () => {
    const manager = await load({
      STORAGE_R2_BUCKET: 'media',
      STORAGE_R2_PROVIDER: 'r2',
      STORAGE_R2_ENDPOINT: 'https://account.r2.cloudflarestorage.com',
      STORAGE_R2_ROOT: '/site/',
      STORAGE_R2_MAX_OBJECT_SIZE: '100GB',
    });
    const driver = manager.location('r2') as S3Driver;
    expect(driver).toMatchObject({
      bucket: 'media',
      root: 'site/',
      provider: { provider: 'r2', region: 'auto' },
    });
    expect(driver.options.maxObjectSize).toBe(100 * 1024 ** 3);
  });

  it('refuses the options of resumable uploads, which belong to the TUS driver', async () => {
    await expect(load({ STORAGE_R2_BUCKET: 'media', STORAGE_R2_TUS__CHUNK_SIZE: '10MB' })).rejects.toThrow(
      /STORAGE_R2_TUS is not an option of driver "s3"/,
    );
  });

  it('names the variables of invalid combinations, never echoing the secret', async () => {
    const error = await load({
      STORAGE_R2_BUCKET: 'media',
      STORAGE_R2_SECRET: 'very-secret-value',
      STORAGE_R2_SERVER_SIDE_ENCRYPTION_KMS_KEY_ID: 'key-1',
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InvalidStorageConfigError);
    expect((error as Error).message).toMatch(/STORAGE_R2_SERVER_SIDE_ENCRYPTION_KMS_KEY_ID/);
    expect((error as Error).message).toMatch(/STORAGE_R2_KEY/);
    expect((error as Error).message).not.toContain('very-secret-value');
  });
});

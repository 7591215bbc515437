import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Driver, FileStat } from '../src/driver.js';
import {
  InvalidConfigError,
  InvalidOptionError,
  InvalidStorageConfigError,
  NotFoundError,
  UnknownLocationError,
  UnsupportedError,
} from '../src/errors.js';
import { type DriverLoader, StorageManager } from '../src/manager.js';
import { byteSize, envBoolean, envInteger } from '../src/options.js';

/** Storage operations are not what these tests are about. */
abstract class InertDriver implements Driver {
  read(): Promise<Readable> {
    throw new UnsupportedError('inert');
  }
  write(): Promise<void> {
    throw new UnsupportedError('inert');
  }
  stat(): Promise<FileStat> {
    throw new UnsupportedError('inert');
  }
  exists(): Promise<boolean> {
    throw new UnsupportedError('inert');
  }
  copy(): Promise<void> {
    throw new UnsupportedError('inert');
  }
  move(): Promise<void> {
    throw new UnsupportedError('inert');
  }
  delete(): Promise<void> {
    throw new UnsupportedError('inert');
  }
  async *list(): AsyncIterable<string> {}
}

const s3Options = z.strictObject({
  bucket: z.string(),
  secretAccessKey: z.string().min(8, 'too short').optional(),
  maxSockets: envInteger({ min: 1 }).optional(),
  forcePathStyle: envBoolean.default(false),
  serverSideEncryption: z.enum(['AES256', 'aws:kms']).optional(),
  storageClass: z.enum(['STANDARD', 'GLACIER']).default('STANDARD'),
  kmsKeyId: z.string().optional(),
  tus: z.strictObject({ chunkSize: byteSize({ min: 5 * 1024 ** 2 }) }).optional(),
});

class FakeS3 extends InertDriver {
  static readonly optionsSchema = s3Options;
  constructor(readonly options: z.infer<typeof s3Options>) {
    super();
    if (options.kmsKeyId !== undefined && options.serverSideEncryption !== 'aws:kms') {
      throw new InvalidOptionError(
        ['kmsKeyId'],
        (name) => `requires ${name(['serverSideEncryption'])} to be "aws:kms"`,
      );
    }
    if (options.bucket === 'explode') {
      throw new Error(`cannot start with key ${options.secretAccessKey}`);
    }
  }
}

const localOptions = z
  .strictObject({ root: z.string(), mirror: z.string().optional() })
  .refine((options) => options.mirror !== options.root, 'root and mirror must differ');

class FakeLocal extends InertDriver {
  static readonly optionsSchema = localOptions;
  constructor(readonly options: z.infer<typeof localOptions>) {
    super();
  }
}

const secrets = mkdtempSync(join(tmpdir(), 'stowage-manager-'));
afterAll(() => rmSync(secrets, { recursive: true, force: true }));

/** A manager knowing `s3` and `local`, counting how often each driver is imported. */
function managerWithDrivers() {
  const imports = { s3: 0, local: 0 };
  const manager = new StorageManager();
  manager.registerDriver('s3', async () => {
    imports.s3++;
    return { default: FakeS3 };
  });
  manager.registerDriver('local', async () => {
    imports.local++;
    return FakeLocal;
  });
  return { manager, imports };
}

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(InvalidStorageConfigError);
  expect(error).toBeInstanceOf(InvalidConfigError);
  return (error as InvalidStorageConfigError).problems;
}

describe('registerLocation', () => {
  it('constructs the driver with the options its schema coerced', async () => {
    const { manager } = managerWithDrivers();
    const driver = await manager.registerLocation('R2', {
      driver: 'S3',
      options: { bucket: 'files', maxSockets: '8', forcePathStyle: 'yes', tus: { chunkSize: '10MB' } },
    });
    expect(driver).toBeInstanceOf(FakeS3);
    expect((driver as FakeS3).options).toEqual({
      bucket: 'files',
      storageClass: 'STANDARD',
      maxSockets: 8,
      forcePathStyle: true,
      tus: { chunkSize: 10 * 1024 ** 2 },
    });
    expect(manager.location('r2')).toBe(driver);
    expect(manager.location('R2')).toBe(driver);
    expect(manager.has('r2')).toBe(true);
    expect(manager.driverNameOf('r2')).toBe('s3');
  });

  it('keeps registration order, the first location being the default', async () => {
    const { manager } = managerWithDrivers();
    await manager.registerLocation('b', { driver: 'local', options: { root: '/b' } });
    await manager.registerLocation('a', { driver: 'local', options: { root: '/a' } });
    expect(manager.locationNames).toEqual(['b', 'a']);
    expect(manager.defaultLocationName).toBe('b');
  });

  it('names options in messages, and never echoes secret values', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(
        manager.registerLocation('r2', {
          driver: 's3',
          options: {
            buket: 'x',
            maxSockets: 'many',
            secretAccessKey: 'x1y2',
            storageClass: 'COLD',
            tus: { chunkSize: '1KB' },
          },
        }),
      ),
    ).toEqual([
      'location "r2": option "bucket" is required by driver "s3"',
      'location "r2": option "secretAccessKey": too short',
      'location "r2": option "maxSockets": expected an integer of at least 1, got "many"',
      'location "r2": option "storageClass": Invalid option: expected one of "STANDARD"|"GLACIER", got "COLD"',
      'location "r2": option "tus.chunkSize": expected a byte size like 1024, 512KB or 1.5GiB of at least 5 MiB, got "1KB"',
      'location "r2": option "buket" is not an option of driver "s3"',
    ]);
  });

  it('reports a missing option as required whatever its type', async () => {
    class Picky extends InertDriver {
      static readonly optionsSchema = z.strictObject({
        mode: z.enum(['rw', 'ro']),
        endpoint: z.union([z.url(), z.literal('auto')]),
        verbose: envBoolean,
      });
    }
    const manager = new StorageManager();
    manager.registerDriver('picky', async () => Picky);
    expect(await problemsOf(manager.registerLocation('p', { driver: 'picky' }))).toEqual([
      'location "p": option "mode" is required by driver "picky"',
      'location "p": option "endpoint" is required by driver "picky"',
      'location "p": option "verbose" is required by driver "picky"',
    ]);
  });

  it('rewords a cross-option error of the driver with option names', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(
        manager.registerLocation('s3', { driver: 's3', options: { bucket: 'b', kmsKeyId: 'k1' } }),
      ),
    ).toEqual(['location "s3": option "kmsKeyId": requires option "serverSideEncryption" to be "aws:kms"']);
  });

  it('reports schema checks of the whole options, and other driver failures, under the location', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(
        manager.registerLocation('l', { driver: 'local', options: { root: '/x', mirror: '/x' } }),
      ),
    ).toEqual(['location "l": driver "local": root and mirror must differ']);
    expect(
      await problemsOf(
        manager.registerLocation('s3', {
          driver: 's3',
          options: { bucket: 'explode', secretAccessKey: 'verysecret' },
        }),
      ),
    ).toEqual(['location "s3": driver "s3": cannot start with key [redacted]']);
  });

  it('refuses an unknown driver, listing the known ones', async () => {
    const { manager } = managerWithDrivers();
    expect(await problemsOf(manager.registerLocation('x', { driver: 'ftp' }))).toEqual([
      'location "x": unknown driver "ftp" (known: local, s3)',
    ]);
  });

  it('refuses invalid and already registered names', async () => {
    const { manager } = managerWithDrivers();
    expect(await problemsOf(manager.registerLocation('my files', { driver: 'local' }))).toEqual([
      'invalid location name "my files": use a-z, 0-9 and single "_" between them',
    ]);
    await manager.registerLocation('a', { driver: 'local', options: { root: '/a' } });
    expect(
      await problemsOf(manager.registerLocation('A', { driver: 'local', options: { root: '/a' } })),
    ).toEqual(['location "a" is already registered']);
  });
});

describe('drivers', () => {
  it('imports only the drivers a location uses, each once', async () => {
    const { manager, imports } = managerWithDrivers();
    await Promise.all([
      manager.registerLocation('one', { driver: 'local', options: { root: '/1' } }),
      manager.registerLocation('two', { driver: 'local', options: { root: '/2' } }),
    ]);
    expect(imports).toEqual({ s3: 0, local: 1 });
  });

  it('reports a driver that fails to import, and retries the import next time', async () => {
    const manager = new StorageManager();
    let attempts = 0;
    manager.registerDriver('flaky', async () => {
      attempts++;
      if (attempts === 1) throw new Error('Cannot find package');
      return FakeLocal;
    });
    expect(
      await problemsOf(manager.registerLocation('a', { driver: 'flaky', options: { root: '/' } })),
    ).toEqual(['location "a": driver "flaky" could not be loaded: Cannot find package']);
    await expect(
      manager.registerLocation('a', { driver: 'flaky', options: { root: '/' } }),
    ).resolves.toBeInstanceOf(FakeLocal);
  });

  it('refuses a module that exports no driver class', async () => {
    const manager = new StorageManager();
    manager.registerDriver('empty', (async () => ({ default: {} })) as unknown as DriverLoader);
    expect(await problemsOf(manager.registerLocation('a', { driver: 'empty' }))).toEqual([
      'location "a": driver "empty" could not be loaded: it exports no driver class (a class with a static optionsSchema)',
    ]);
  });

  it('refuses registering a driver name twice', () => {
    const { manager } = managerWithDrivers();
    expect(() => manager.registerDriver('S3', async () => FakeS3)).toThrow(
      'driver "s3" is already registered',
    );
  });
});

describe('loadFromEnv', () => {
  it('registers every location in STORAGE_LOCATIONS order', async () => {
    const { manager, imports } = managerWithDrivers();
    await manager.loadFromEnv({
      STORAGE_LOCATIONS: 's3_archive, local',
      STORAGE_LOCAL_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: '/srv/files',
      STORAGE_S3_ARCHIVE_DRIVER: 's3',
      STORAGE_S3_ARCHIVE_BUCKET: 'archive',
      STORAGE_S3_ARCHIVE_TUS__CHUNK_SIZE: '8 MiB',
    });
    expect(manager.locationNames).toEqual(['s3_archive', 'local']);
    expect(manager.defaultLocationName).toBe('s3_archive');
    expect((manager.location('s3_archive') as FakeS3).options.tus).toEqual({ chunkSize: 8 * 1024 ** 2 });
    expect((manager.location('local') as FakeLocal).options).toEqual({ root: '/srv/files' });
    expect(imports).toEqual({ s3: 1, local: 1 });
  });

  it('never imports a driver no location uses', async () => {
    const { manager, imports } = managerWithDrivers();
    await manager.loadFromEnv({
      STORAGE_LOCATIONS: 'local',
      STORAGE_LOCAL_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: '/',
    });
    expect(imports.s3).toBe(0);
  });

  it('names variables in messages', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(
        manager.loadFromEnv({
          STORAGE_LOCATIONS: 's3,r2',
          STORAGE_S3_DRIVER: 's3',
          STORAGE_S3_BUCKET: 'b',
          STORAGE_S3_MAX_SOCKETS: 'many',
          STORAGE_S3_BUKET: 'b',
          STORAGE_S3_TUS__CHUNK_SIZE: 'big',
          STORAGE_S3_TUS__CHUNKS: '3',
          STORAGE_R2_DRIVER: 's3',
        }),
      ),
    ).toEqual([
      'STORAGE_S3_MAX_SOCKETS: expected an integer of at least 1, got "many"',
      'STORAGE_S3_TUS__CHUNK_SIZE: expected a byte size like 1024, 512KB or 1.5GiB of at least 5 MiB, got "big"',
      'STORAGE_S3_TUS__CHUNKS is not an option of driver "s3"',
      'STORAGE_S3_BUKET is not an option of driver "s3"',
      'STORAGE_R2_BUCKET is required by driver "s3"',
    ]);
  });

  it('names the _FILE variable when the value came from a file', async () => {
    const { manager } = managerWithDrivers();
    const path = join(secrets, 'sockets');
    writeFileSync(path, 'many\n');
    expect(
      await problemsOf(
        manager.loadFromEnv({
          STORAGE_LOCATIONS: 's3',
          STORAGE_S3_DRIVER: 's3',
          STORAGE_S3_BUCKET: 'b',
          STORAGE_S3_MAX_SOCKETS_FILE: path,
        }),
      ),
    ).toEqual(['STORAGE_S3_MAX_SOCKETS_FILE: expected an integer of at least 1, got "many"']);
  });

  it('never echoes the value of a secret variable', async () => {
    const { manager } = managerWithDrivers();
    const problems = await problemsOf(
      manager.loadFromEnv({
        STORAGE_LOCATIONS: 's3,boom',
        STORAGE_S3_DRIVER: 's3',
        STORAGE_S3_BUCKET: 'b',
        STORAGE_S3_SECRET_ACCESS_KEY: 'abc',
        STORAGE_BOOM_DRIVER: 's3',
        STORAGE_BOOM_BUCKET: 'explode',
        STORAGE_BOOM_SECRET_ACCESS_KEY: 'hunter2hunter2',
      }),
    );
    expect(problems).toEqual([
      'STORAGE_S3_SECRET_ACCESS_KEY: too short',
      'location "boom": driver "s3": cannot start with key [redacted]',
    ]);
  });

  it('rewords a cross-option error of the driver with variable names', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(
        manager.loadFromEnv({
          STORAGE_LOCATIONS: 's3',
          STORAGE_S3_DRIVER: 's3',
          STORAGE_S3_BUCKET: 'b',
          STORAGE_S3_KMS_KEY_ID: 'testkey-1',
          STORAGE_S3_SERVER_SIDE_ENCRYPTION: 'AES256',
        }),
      ),
    ).toEqual(['STORAGE_S3_KMS_KEY_ID: requires STORAGE_S3_SERVER_SIDE_ENCRYPTION to be "aws:kms"']);
  });

  it('names the driver variable for an unknown driver', async () => {
    const { manager } = managerWithDrivers();
    expect(
      await problemsOf(manager.loadFromEnv({ STORAGE_LOCATIONS: 'x', STORAGE_X_DRIVER: 'ftp' })),
    ).toEqual(['STORAGE_X_DRIVER: unknown driver "ftp" (known: local, s3)']);
  });

  it('throws one error listing every problem, and registers nothing', async () => {
    const { manager } = managerWithDrivers();
    const error = await manager
      .loadFromEnv({
        STORAGE_LOCATIONS: 'good,Good,nodriver,bad',
        STORAGE_GOOD_DRIVER: 'local',
        STORAGE_GOOD_ROOT: '/',
        STORAGE_BAD_DRIVER: 's3',
      })
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(InvalidStorageConfigError);
    expect((error as Error).message).toBe(
      [
        'Invalid storage configuration (3 problems):',
        '- STORAGE_LOCATIONS: location "good" is listed twice',
        '- STORAGE_NODRIVER_DRIVER is required (location "nodriver")',
        '- STORAGE_BAD_BUCKET is required by driver "s3"',
      ].join('\n'),
    );
    expect(manager.locationNames).toEqual([]);
    expect(manager.has('good')).toBe(false);
  });

  it('requires STORAGE_LOCATIONS', async () => {
    const { manager } = managerWithDrivers();
    await expect(manager.loadFromEnv({})).rejects.toThrow(/^STORAGE_LOCATIONS is required/);
  });

  it('refuses a location registered before', async () => {
    const { manager } = managerWithDrivers();
    await manager.registerLocation('local', { driver: 'local', options: { root: '/' } });
    expect(
      await problemsOf(
        manager.loadFromEnv({
          STORAGE_LOCATIONS: 'local',
          STORAGE_LOCAL_DRIVER: 'local',
          STORAGE_LOCAL_ROOT: '/',
        }),
      ),
    ).toEqual(['location "local" is already registered']);
  });
});

describe('looking locations up', () => {
  it('names an unknown location in a typed not-found error that is no file not-found', () => {
    const { manager } = managerWithDrivers();
    const error = (() => {
      try {
        manager.location('nowhere');
      } catch (error) {
        return error;
      }
    })();
    expect(error).toBeInstanceOf(UnknownLocationError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', location: 'nowhere' });
    expect((error as Error).message).toBe('Unknown storage location "nowhere"');
    expect(() => manager.driverNameOf('nowhere')).toThrow(UnknownLocationError);
    expect(manager.has('nowhere')).toBe(false);
  });

  it('has no default location before one is registered', () => {
    expect(() => new StorageManager().defaultLocationName).toThrow(InvalidConfigError);
  });
});

describe('InvalidOptionError', () => {
  it('names options itself when thrown outside the manager', () => {
    const error = new InvalidOptionError(
      ['tus', 'chunkSize'],
      (name) => `must not exceed ${name(['partSize'])}`,
    );
    expect(error.message).toBe('option "tus.chunkSize": must not exceed option "partSize"');
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(new InvalidOptionError(['bucket'], 'does not exist').message).toBe(
      'option "bucket": does not exist',
    );
  });
});

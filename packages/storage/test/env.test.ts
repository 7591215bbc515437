import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeLocationName } from '../src/env/location-names.js';
import { readStorageEnv } from '../src/env/read-storage-env.js';
import { envVariableName, isSecretName } from '../src/env/variable-names.js';

const secrets = mkdtempSync(join(tmpdir(), 'stowage-env-'));
afterAll(() => rmSync(secrets, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(secrets, name);
  writeFileSync(path, content);
  return path;
}

function locationsOf(env: Record<string, string | undefined>) {
  const { locations, problems } = readStorageEnv(env);
  expect(problems).toEqual([]);
  return Object.fromEntries(locations.map(({ name, driver, options }) => [name, { driver, options }]));
}

describe('STORAGE_LOCATIONS', () => {
  it('lists trimmed, lower-cased names in order, the first being the default', () => {
    const { locations } = readStorageEnv({
      STORAGE_LOCATIONS: ' Local , S3,,',
      STORAGE_LOCAL_DRIVER: 'local',
      STORAGE_S3_DRIVER: 's3',
    });
    expect(locations.map((location) => location.name)).toEqual(['local', 's3']);
  });

  it.each([{}, { STORAGE_LOCATIONS: '' }, { STORAGE_LOCATIONS: ' , ' }])('is required (%j)', (env) => {
    expect(readStorageEnv(env).problems).toEqual([
      'STORAGE_LOCATIONS is required: a comma-separated list of storage location names, the first being the default',
    ]);
  });

  it('refuses duplicates and names with other characters', () => {
    const { problems } = readStorageEnv({
      STORAGE_LOCATIONS: 's3,my-files,S3,_x',
      STORAGE_S3_DRIVER: 's3',
    });
    expect(problems).toEqual([
      'STORAGE_LOCATIONS: invalid location name "my-files": use a-z, 0-9 and single "_" between them',
      'STORAGE_LOCATIONS: location "s3" is listed twice',
      'STORAGE_LOCATIONS: invalid location name "_x": use a-z, 0-9 and single "_" between them',
    ]);
  });

  it('can be read from a file', () => {
    const path = secretFile('locations', 'a,b\n');
    expect(
      Object.keys(
        locationsOf({ STORAGE_LOCATIONS_FILE: path, STORAGE_A_DRIVER: 'x', STORAGE_B_DRIVER: 'y' }),
      ),
    ).toEqual(['a', 'b']);
  });
});

describe('location variables', () => {
  it('requires a driver per location', () => {
    expect(readStorageEnv({ STORAGE_LOCATIONS: 'local' }).problems).toEqual([
      'STORAGE_LOCAL_DRIVER is required (location "local")',
    ]);
    expect(
      readStorageEnv({ STORAGE_LOCATIONS: 'local', STORAGE_LOCAL_DRIVER_FILE: secretFile('empty', '\n') })
        .problems,
    ).toEqual(['STORAGE_LOCAL_DRIVER is required (location "local")']);
  });

  it('turns option variables into camelCase options, "__" nesting, values kept as strings', () => {
    expect(
      locationsOf({
        STORAGE_LOCATIONS: 's3',
        STORAGE_S3_DRIVER: 's3',
        STORAGE_S3_BUCKET: 'files',
        STORAGE_S3_FORCE_PATH_STYLE: 'true',
        STORAGE_S3_TUS__CHUNK_SIZE: '10MB',
        STORAGE_S3_TUS__ENABLED: 'yes',
        OTHER_VARIABLE: 'ignored',
        STORAGE_UNLISTED_DRIVER: 'ignored',
      }),
    ).toEqual({
      s3: {
        driver: 's3',
        options: { bucket: 'files', forcePathStyle: 'true', tus: { chunkSize: '10MB', enabled: 'yes' } },
      },
    });
  });

  it('gives each variable to the longest matching location name only', () => {
    expect(
      locationsOf({
        STORAGE_LOCATIONS: 's3,s3_archive',
        STORAGE_S3_DRIVER: 's3',
        STORAGE_S3_BUCKET: 'hot',
        STORAGE_S3_ARCHIVE_DRIVER: 's3',
        STORAGE_S3_ARCHIVE_BUCKET: 'cold',
      }),
    ).toEqual({
      s3: { driver: 's3', options: { bucket: 'hot' } },
      s3_archive: { driver: 's3', options: { bucket: 'cold' } },
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      locationsOf({
        STORAGE_LOCATIONS: 'a',
        STORAGE_A_DRIVER: 'x',
        STORAGE_A_ROOT: '',
        STORAGE_A_ROOT_FILE: '',
      }),
    ).toEqual({ a: { driver: 'x', options: {} } });
  });

  it('refuses variables that name no option', () => {
    expect(
      readStorageEnv({
        STORAGE_LOCATIONS: 'a',
        STORAGE_A_DRIVER: 'x',
        STORAGE_A_root: '/srv',
        STORAGE_A___X: '1',
      }).problems,
    ).toEqual([
      'STORAGE_A___X: not an option variable of location "a" (upper-case words joined by "_", "__" to nest)',
      'STORAGE_A_root: not an option variable of location "a" (upper-case words joined by "_", "__" to nest)',
    ]);
  });

  it('refuses a variable setting an option that another one sets nested options of', () => {
    expect(
      readStorageEnv({
        STORAGE_LOCATIONS: 'a',
        STORAGE_A_DRIVER: 'x',
        STORAGE_A_TUS: 'on',
        STORAGE_A_TUS__CHUNK_SIZE: '1MB',
      }).problems,
    ).toEqual([
      'STORAGE_A_TUS__CHUNK_SIZE conflicts with STORAGE_A_TUS: both set option "tus.chunkSize" or a part of it',
    ]);
  });

  it('reports problems of every location, leaving those locations out', () => {
    const { locations, problems } = readStorageEnv({
      STORAGE_LOCATIONS: 'a,b,c',
      STORAGE_B_DRIVER: 'x',
      STORAGE_C_DRIVER: 'x',
      STORAGE_C_KEY: 'k',
      STORAGE_C_KEY_FILE: secretFile('c-key', 'k'),
    });
    expect(locations.map((location) => location.name)).toEqual(['b']);
    expect(problems).toEqual([
      'STORAGE_A_DRIVER is required (location "a")',
      'STORAGE_C_KEY and STORAGE_C_KEY_FILE are both set: set only one',
    ]);
  });
});

describe('_FILE variables', () => {
  it('read the value from the file, trailing newline trimmed', () => {
    const secret = secretFile('secret', 'top secret\n');
    const driver = secretFile('driver', 's3\r\n');
    expect(
      locationsOf({
        STORAGE_LOCATIONS: 's3',
        STORAGE_S3_DRIVER_FILE: driver,
        STORAGE_S3_SECRET_ACCESS_KEY_FILE: secret,
      }),
    ).toEqual({ s3: { driver: 's3', options: { secretAccessKey: 'top secret' } } });
  });

  it('cannot be set together with the variable itself', () => {
    expect(
      readStorageEnv({
        STORAGE_LOCATIONS: 'a',
        STORAGE_A_DRIVER: 'x',
        STORAGE_A_PASSWORD: 'p',
        STORAGE_A_PASSWORD_FILE: secretFile('password', 'p'),
      }).problems,
    ).toEqual(['STORAGE_A_PASSWORD and STORAGE_A_PASSWORD_FILE are both set: set only one']);
  });

  it('work for the driver variable too, reporting only the conflict', () => {
    expect(
      readStorageEnv({
        STORAGE_LOCATIONS: 'a',
        STORAGE_A_DRIVER: 'x',
        STORAGE_A_DRIVER_FILE: secretFile('driver-a', 'x'),
      }).problems,
    ).toEqual(['STORAGE_A_DRIVER and STORAGE_A_DRIVER_FILE are both set: set only one']);
  });

  it('name the variable and the path when the file cannot be read', () => {
    const missing = join(secrets, 'missing');
    expect(
      readStorageEnv({ STORAGE_LOCATIONS: 'a', STORAGE_A_DRIVER: 'x', STORAGE_A_TOKEN_FILE: missing })
        .problems,
    ).toEqual([`STORAGE_A_TOKEN_FILE: cannot read "${missing}" (ENOENT)`]);
  });

  it('must follow an option name', () => {
    expect(
      readStorageEnv({ STORAGE_LOCATIONS: 'a', STORAGE_A_DRIVER: 'x', STORAGE_A_FILE: '/x' }).problems,
    ).toEqual([
      'STORAGE_A_FILE: not an option variable of location "a" (upper-case words joined by "_", "__" to nest)',
    ]);
  });
});

describe('variableOf', () => {
  it('names the variable actually set, _FILE included, or the one that would set the option', () => {
    const [location] = readStorageEnv({
      STORAGE_LOCATIONS: 'r2',
      STORAGE_R2_DRIVER: 's3',
      STORAGE_R2_SECRET_FILE: secretFile('r2', 's'),
    }).locations;
    expect(location!.variableOf(['secret'])).toBe('STORAGE_R2_SECRET_FILE');
    expect(location!.variableOf(['tus', 'chunkSize'])).toBe('STORAGE_R2_TUS__CHUNK_SIZE');
  });
});

describe('envVariableName', () => {
  it('maps option paths to variable names', () => {
    expect(envVariableName('r2', ['tus', 'chunkSize'])).toBe('STORAGE_R2_TUS__CHUNK_SIZE');
    expect(envVariableName('s3_archive', ['forcePathStyle'])).toBe('STORAGE_S3_ARCHIVE_FORCE_PATH_STYLE');
    expect(envVariableName('s3', ['s3Endpoint'])).toBe('STORAGE_S3_S3_ENDPOINT');
  });

  it('names the whole list for an item of it', () => {
    expect(envVariableName('a', ['allowedOrigins', 2])).toBe('STORAGE_A_ALLOWED_ORIGINS');
  });

  it('is the inverse of the loader', () => {
    const [location] = readStorageEnv({
      STORAGE_LOCATIONS: 'a',
      STORAGE_A_DRIVER: 'x',
      STORAGE_A_TUS__CHUNK_SIZE: '1',
      STORAGE_A_MAX_SOCKETS: '2',
    }).locations;
    expect(location!.options).toEqual({ tus: { chunkSize: '1' }, maxSockets: '2' });
    expect(envVariableName('a', ['tus', 'chunkSize'])).toBe('STORAGE_A_TUS__CHUNK_SIZE');
    expect(envVariableName('a', ['maxSockets'])).toBe('STORAGE_A_MAX_SOCKETS');
  });
});

describe('normalizeLocationName and isSecretName', () => {
  it('lower-cases valid names and refuses others', () => {
    expect(normalizeLocationName(' S3_Archive ')).toBe('s3_archive');
    expect(() => normalizeLocationName('a__b')).toThrow('invalid location name "a__b"');
  });

  it.each(['STORAGE_S3_SECRET', 'STORAGE_S3_ACCESS_KEY_ID', 'STORAGE_A_TOKEN', 'option "password"'])(
    'treats %s as secret',
    (name) => {
      expect(isSecretName(name)).toBe(true);
    },
  );
});

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytes, client } from './helpers/http.js';
import { startApi } from './helpers/in-process.js';
import { failedStart, spawnApi } from './helpers/process.js';
import { tempDirs } from './helpers/temp-dirs.js';

const tempDir = tempDirs('stowage-signing-');
const signUrl = async (http: ReturnType<typeof client>, id: string) =>
  (await http.json<{ data: { url: string } }>(`/assets/${id}/sign`, { method: 'POST' })).body.data.url;

describe('STORAGE_<NAME>_ASSETS__MODE', () => {
  it.each([
    [
      'redirect',
      /STORAGE_LOCAL_ASSETS__MODE=redirect: the driver of location "local" cannot presign downloads/,
    ],
    ['fast', /STORAGE_LOCAL_ASSETS__MODE: .*"proxy"\|"redirect"/],
  ])('stops the start on %s for a local location, naming the variable', async (mode, message) => {
    const { code, stderr } = await failedStart({
      DATA_DIR: await tempDir(),
      STORAGE_LOCAL_ASSETS__MODE: mode,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('refuses a setting it does not know, instead of handing it to the driver', async () => {
    const { stderr } = await failedStart({ DATA_DIR: await tempDir(), STORAGE_LOCAL_ASSETS__SPEED: 'high' });
    expect(stderr).toMatch(/STORAGE_LOCAL_ASSETS__SPEED: unknown setting/);
  });
});

describe('the signing key', () => {
  it('is generated once under the data folder, and signed URLs outlive a restart', async () => {
    const cwd = await tempDir();
    const env = { PORT: '0', ADMIN_TOKEN: 'admin-token-0123456789abcdef' };
    const first = await spawnApi(env, cwd);
    const http = client(first.url, env.ADMIN_TOKEN);
    const file = await http.uploadOk({}, { name: 'a.txt', type: 'text/plain', content: bytes(100) });
    const url = await signUrl(http, file.id);
    expect((await stat(join(cwd, 'data/assets-signing-key'))).mode & 0o777).toBe(0o600);
    // Tokens and signatures in URLs stay out of the logs.
    await fetch(`${first.url}/assets/${file.id}?access_token=${env.ADMIN_TOKEN}`);
    await fetch(url);
    await first.stop();
    const logs = JSON.stringify(first.logs());
    expect(logs).toContain('access_token=[redacted]');
    expect(logs).not.toContain(env.ADMIN_TOKEN);
    expect(logs).not.toContain(new URL(url).searchParams.get('signature'));

    const second = await spawnApi(env, cwd);
    const again = new URL(url);
    expect((await fetch(`${second.url}${again.pathname}${again.search}`)).status).toBe(200);
    await second.stop();
  });

  it('set as ASSETS_SIGNING_KEY, makes URLs one instance signs good on every other', async () => {
    const dir = await tempDir();
    // Instances sharing records and bytes, as behind a load balancer.
    const deployment = { DB_FILENAME: join(dir, 'db.sqlite'), STORAGE_LOCAL_ROOT: join(dir, 'uploads') };
    const key = 'a-signing-key-of-at-least-32-characters!';
    const a = await startApi({ ...deployment, ASSETS_SIGNING_KEY: key });
    const b = await startApi({ ...deployment, ASSETS_SIGNING_KEY: key });
    const unshared = await startApi(deployment);
    try {
      const http = client(a.url, a.token);
      const file = await http.uploadOk({}, { name: 'a.txt', content: bytes(10) });
      const { pathname, search } = new URL(await signUrl(http, file.id));
      expect((await fetch(`${b.url}${pathname}${search}`)).status).toBe(200);
      expect((await fetch(`${unshared.url}${pathname}${search}`)).status).toBe(403);
    } finally {
      await Promise.all([a.close(), b.close(), unshared.close()]);
    }
  });
});

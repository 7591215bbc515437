import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListMultipartUploadsCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { PageApi } from './browser/page-api.js';
import { gradientPng } from './browser/png.js';
import { client, type FileJson, sha256 } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';

const server = inject('s3Server');
/** Debian's chromium (scripts/browser/install.sh); Playwright's own browser download is not used. */
const CHROMIUM = '/usr/lib/chromium/chromium';
const OUTPUT = new URL('../test-output/', import.meta.url);
const here = (file: string) => new URL(`./browser/${file}`, import.meta.url).pathname;

if (!existsSync(CHROMIUM)) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: run scripts/browser/install.sh`);
  console.warn(
    `\n!!! Browser test SKIPPED: ${CHROMIUM} is missing (scripts/browser/install.sh installs it)\n`,
  );
}

/** The page's own origin: another loopback port than the API's. */
async function servePage(files: Record<string, { type: string; body: Buffer | string }>): Promise<Server> {
  const page = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.type }).end(file.body);
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  return page;
}

describe.skipIf(!server || !existsSync(CHROMIUM))('a browser on another origin', () => {
  let api: RunningApi;
  let page: Server;
  let browser: Browser;
  let raw: S3Client;
  let bucket: { bucket: string; remove(): Promise<void> };
  const image = gradientPng(1600, 1200);

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [here('page.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
    });
    page = await servePage({
      '/': { type: 'text/html', body: await readFile(here('page.html'), 'utf8') },
      '/bundle.js': { type: 'text/javascript', body: Buffer.from(bundle.outputFiles[0]!.contents) },
      '/fixture.png': { type: 'image/png', body: image },
    });
    const pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    bucket = await createTestBucket(server!, 'api-browser');
    raw = rawS3Client(server!);
    // What an operator sets for browser uploads: PUT from the app's origin, ETag readable (Uppy needs it per part).
    await raw.send(
      new PutBucketCorsCommand({
        Bucket: bucket.bucket,
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: [pageOrigin],
              AllowedMethods: ['GET', 'PUT', 'HEAD'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 600,
            },
          ],
        },
      }),
    );
    api = await startApi({ STORAGE_LOCATIONS: 's3', ...s3LocationEnv('s3', server!, bucket.bucket) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise((resolve) => page?.close(resolve));
    await bucket?.remove();
    raw?.destroy();
  });

  it('uploads with Uppy straight to the bucket, shows the image through a signed URL and plays the video through a redirect', async () => {
    const http = client(api.url, api.token);
    // The app's back end holds the token; the page only gets an upload endpoint.
    const grant = await http.json<{ data: { endpoint: string } }>('/files/uploads/grants', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storage: 's3' }),
    });
    const tab = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const responses: { url: string; status: number; contentRange?: string }[] = [];
    tab.on('response', (response) =>
      responses.push({
        url: response.url(),
        status: response.status(),
        contentRange: response.headers()['content-range'],
      }),
    );
    const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    await tab.goto(pageUrl);

    const uploaded = await tab.evaluate(
      (endpoint) => (globalThis as unknown as PageApi).upload(endpoint),
      grant.body.data.endpoint,
    );
    const idOf = (name: string) => uploaded.find((file) => file.name === name)!.id;
    const record = (await http.json(`/files/${idOf('gradient.png')}`)).body.data as FileJson;
    expect(record).toMatchObject({ upload_status: 'ready', type: 'image/png', filesize: image.length });
    // None announced: the SHA-256 is computed by one read after Uppy was answered.
    await vi.waitFor(
      async () =>
        expect((await http.json(`/files/${idOf('gradient.png')}`)).body.data.checksum).toBe(sha256(image)),
      { timeout: 10_000, interval: 100 },
    );
    // Parts went straight to the bucket: three of them, none through the API.
    const partPuts = responses.filter(
      (r) => r.url.startsWith(server!.endpoint) && r.url.includes('partNumber='),
    );
    expect(partPuts.filter((r) => r.url.includes('partNumber=')).length).toBeGreaterThanOrEqual(3);
    expect(
      (await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }))).Uploads ?? [],
    ).toEqual([]);

    const sign = async (id: string, body: Record<string, unknown>) =>
      (
        await http.json<{ data: { url: string } }>(`/assets/${id}/sign`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).body.data.url;
    const imageUrl = await sign(idOf('gradient.png'), {});
    const videoUrl = await sign(idOf('clip.webm'), { redirect: true });
    const shown = await tab.evaluate(
      ([image, video]) => (globalThis as unknown as PageApi).show(image!, video!),
      [imageUrl, videoUrl],
    );
    expect(shown.width).toBe(1600);
    expect(shown.played).toBeGreaterThan(0.5);
    // The video: a 302 from the API, then range requests answered by the bucket.
    const videoId = idOf('clip.webm');
    expect(responses.find((r) => r.url.startsWith(`${api.url}/assets/${videoId}`))?.status).toBe(302);
    const fromBucket = responses.filter(
      (r) =>
        r.url.startsWith(server!.endpoint) &&
        r.url.includes('X-Amz-Signature') &&
        !r.url.includes('partNumber='),
    );
    expect(fromBucket.some((r) => r.status === 206 && r.contentRange?.startsWith('bytes 0-'))).toBe(true);

    await mkdir(OUTPUT, { recursive: true });
    const screenshot = new URL('direct-to-storage.png', OUTPUT);
    await writeFile(screenshot, await tab.screenshot());
    console.log(`screenshot: ${screenshot.pathname}`);
  });
});

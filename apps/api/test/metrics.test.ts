import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createTestBucket, rawS3Client } from '@stowage/test-s3-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Metrics } from '../src/metrics/metrics.js';
import { bytes, client } from './helpers/http.js';
import { type RunningApi, startApi } from './helpers/in-process.js';
import { s3LocationEnv } from './helpers/s3-env.js';
import { tusUpload } from './helpers/tus.js';

const server = inject('s3Server');
const METRICS_TOKEN = 'scraper-token-0123456789abcdef';

/** The value of the sample of that metric whose labels include these, from Prometheus' text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe.skipIf(!server)('GET /server/metrics', () => {
  let api: RunningApi;
  let http: ReturnType<typeof client>;
  let raw: S3Client;
  let bucket: Awaited<ReturnType<typeof createTestBucket>>;

  beforeAll(async () => {
    bucket = await createTestBucket(server!, 'api-metrics');
    raw = rawS3Client(server!);
    api = await startApi({
      STORAGE_LOCATIONS: 'local,s3',
      ...s3LocationEnv('s3', server!, bucket.bucket),
      METRICS_TOKEN,
    });
    http = client(api.url, api.token);
  });
  afterAll(async () => {
    await api?.close();
    await bucket?.remove();
    raw?.destroy();
  });

  const scrape = async (token = METRICS_TOKEN) => {
    const response = await fetch(`${api.url}/server/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('answers only the admin token or METRICS_TOKEN, in the API error shape', async () => {
    const without = await fetch(`${api.url}/server/metrics`);
    expect(without.status).toBe(401);
    expect(await without.json()).toEqual({
      errors: [
        {
          message: 'An Authorization: Bearer token (ADMIN_TOKEN or METRICS_TOKEN) is required',
          extensions: { code: 'INVALID_CREDENTIALS' },
        },
      ],
    });
    expect(
      (await fetch(`${api.url}/server/metrics`, { headers: { authorization: 'Bearer nope-nope-nope-nope' } }))
        .status,
    ).toBe(401);
    expect(await scrape(api.token)).toContain('process_resident_memory_bytes');
    // The scraper's token opens nothing else.
    expect(
      (await fetch(`${api.url}/files`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(401);
  });

  it('counts requests by route and status, bytes in and out per location, S3 operations and their errors', async () => {
    const content = bytes(300_000);
    const onS3 = await http.uploadOk({ storage: 's3' }, { name: 'a.bin', content });
    await http.uploadOk({ storage: 'local' }, { name: 'b.bin', content: bytes(1000) });
    await tusUpload(api.url, api.token, bytes(2 * 1024 * 1024), { metadata: { storage: 'local' } });
    expect((await http.download(onS3.id)).body.length).toBe(300_000);
    expect((await http.download(onS3.id, { range: 'bytes=0-99' })).body.length).toBe(100);
    await raw.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: onS3.filename_disk }));
    expect((await http.download(onS3.id)).status).toBeGreaterThanOrEqual(400);
    await http.json('/files/not-a-file');

    const text = await scrape();
    const requests = (method: string, route: string, status: string) =>
      sample(text, 'stowage_http_request_duration_seconds_count', { method, route, status });
    expect(requests('POST', '/files', '200')).toBe(2);
    expect(requests('GET', '/assets/:id', '200')).toBe(1);
    expect(requests('GET', '/assets/:id', '206')).toBe(1);
    expect(requests('GET', '/files/:id', '404')).toBe(1);
    // TUS requests are answered by the tus server on the raw response: counted all the same.
    expect(requests('POST', '/files/tus', '201')).toBe(1);
    expect(requests('PATCH', '/files/tus/:id', '204')).toBe(2);

    expect(sample(text, 'stowage_location_received_bytes_total', { location: 's3' })).toBe(300_000);
    expect(sample(text, 'stowage_location_received_bytes_total', { location: 'local' })).toBe(
      1000 + 2 * 1024 * 1024,
    );
    expect(sample(text, 'stowage_location_sent_bytes_total', { location: 's3' })).toBe(300_100);

    expect(
      sample(text, 'stowage_s3_requests_total', { location: 's3', operation: 'PutObject' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'stowage_s3_requests_total', { location: 's3', operation: 'GetObject' }),
    ).toBeGreaterThanOrEqual(2);
    const errors = text
      .split('\n')
      .filter((line) => line.startsWith('stowage_s3_request_errors_total{location="s3"'));
    expect(errors.join('\n')).toMatch(/operation="(Head|Get)Object",error="(NotFound|NoSuchKey)"} 1/);
    expect(
      sample(text, 'stowage_s3_request_duration_seconds_count', { location: 's3', operation: 'PutObject' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('reports unfinished resumable uploads from the database', async () => {
    const created = await http.fetch('/files/tus', {
      method: 'POST',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': '1000',
        'upload-metadata': `storage ${btoa('s3')}`,
      },
    });
    expect(created.status).toBe(201);
    const text = await scrape();
    expect(sample(text, 'stowage_uploads_in_progress', { location: 's3' })).toBe(1);
    expect(sample(text, 'stowage_uploads_in_progress', { location: 'local' })).toBe(0);
  });
});

describe('janitor results', () => {
  it('are counted per location and kind, with the time of the last run', async () => {
    const metrics = new Metrics();
    metrics.janitorRun('s3', { removed: { multipart_uploads: 2, tus_uploads: 0 }, failed: 1 });
    metrics.janitorRun('s3', { removed: { multipart_uploads: 1 } });
    metrics.janitorRun('local', { error: new Error('disk gone') });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'stowage_janitor_removed_total', { location: 's3', kind: 'multipart_uploads' })).toBe(
      3,
    );
    expect(sample(text, 'stowage_janitor_removed_total', { kind: 'tus_uploads' })).toBeUndefined();
    expect(sample(text, 'stowage_janitor_failed_total', { location: 's3' })).toBe(1);
    expect(sample(text, 'stowage_janitor_runs_total', { location: 's3', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'stowage_janitor_runs_total', { location: 'local', outcome: 'error' })).toBe(1);
    expect(sample(text, 'stowage_janitor_last_run_timestamp_seconds', { location: 'local' })).toBeCloseTo(
      Date.now() / 1000,
      -1,
    );
  });
});

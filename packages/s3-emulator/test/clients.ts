import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Emulator } from '../src/index.js';

/** A raw SDK client for the emulator, with the SDK's defaults unless a test overrides them. */
export function clientFor(emulator: S3Emulator, overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({ ...emulator.clientConfig, maxAttempts: 1, ...overrides });
}

/** The SDK error a promise rejects with, for asserting its name and HTTP status. */
export async function failureOf(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
  throw new Error('Expected the request to fail');
}

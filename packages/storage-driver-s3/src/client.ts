import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3DriverOptions } from './options.js';
import { watchedAgents } from './progress-watchdog.js';
import type { ProviderQuirks } from './providers.js';

/**
 * The location's S3 client. Our own agents, so that `maxSockets` and `keepAlive` apply
 * (the SDK's default agent allows 50 sockets, which multipart writes and parallel
 * reads exhaust, queueing requests behind each other), and so that `socketTimeout`
 * holds while a body is being sent (see ProgressWatchdog).
 */
export function createS3Client(options: S3DriverOptions, quirks: ProviderQuirks): S3Client {
  const agentOptions = { keepAlive: options.keepAlive, maxSockets: options.maxSockets };
  return new S3Client({
    region: quirks.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: quirks.forcePathStyle,
    ...(options.key !== undefined && options.secret !== undefined
      ? { credentials: { accessKeyId: options.key, secretAccessKey: options.secret } }
      : {}),
    requestChecksumCalculation: quirks.requestChecksumCalculation,
    responseChecksumValidation: quirks.responseChecksumValidation,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeout,
      socketTimeout: options.socketTimeout,
      ...watchedAgents(agentOptions, options.socketTimeout),
    }),
  });
}

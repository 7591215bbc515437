import type { Locations } from '../locations.js';
import type { Metrics } from './metrics.js';

/** The part of an AWS SDK v3 client this needs: its middleware stack. */
interface InstrumentableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void;
  };
}

function clientOf(driver: unknown): InstrumentableClient | undefined {
  const client = (driver as { client?: Partial<InstrumentableClient> }).client;
  return typeof client?.middlewareStack?.add === 'function' ? (client as InstrumentableClient) : undefined;
}

/**
 * Counts, times and classifies every S3 command of each S3 location (the driver's
 * public `client`, which its TUS store shares), through the SDK's middleware stack:
 * no change to the driver. At the `initialize` step, so one command counts once
 * whatever the SDK retried inside.
 */
export function instrumentS3Locations(storage: Locations, metrics: Metrics): void {
  for (const location of storage.locationNames) {
    const client = clientOf(storage.location(location));
    if (!client) continue;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
        const labels = { location, operation };
        metrics.s3Requests.inc(labels);
        const end = metrics.s3Duration.startTimer(labels);
        try {
          return await next(args);
        } catch (error) {
          metrics.s3Errors.inc({ ...labels, error: (error as Error)?.name ?? 'Error' });
          throw error;
        } finally {
          end();
        }
      },
      // override: an app built again on the same storage (tests) replaces, not doubles, the counting.
      { step: 'initialize', name: 'stowageMetrics', override: true },
    );
  }
}

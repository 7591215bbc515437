import type { IncomingMessage } from 'node:http';

/** Bytes of a body queued in its web stream before the request is paused (TCP then holds the rest). */
const QUEUED_BYTES = 64 * 1024;

/**
 * The body of a Node request as the web stream @tus/server reads, without what srvx's
 * `Readable.toWeb` costs: that copies every chunk (to detach it from a pool, which a
 * request's chunks are not part of) and starts taking bytes as soon as it is created.
 * This one takes nothing until it is read, and leaves the request open when cancelled
 * (the answer still has to go out on its connection).
 */
export function nodeBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  let started = false;
  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  function onData(chunk: Buffer) {
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  }
  function onEnd() {
    stop();
    controller.close();
  }
  function onError(error: Error) {
    stop();
    controller.error(error);
  }
  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      pull() {
        if (!started) {
          started = true;
          if (req.readableEnded) return onEnd();
          if (req.errored) return onError(req.errored);
          req.on('data', onData);
          req.once('end', onEnd);
          req.once('error', onError);
        }
        req.resume();
      },
      cancel() {
        stop();
        req.pause();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }),
  );
}

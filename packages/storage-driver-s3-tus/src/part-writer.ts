import type { Readable } from 'node:stream';
import { MAX_PARTS } from '@stowage/storage-driver-s3';
import type { Budget } from '@stowage/tus-extensions';
import { ERRORS } from '@tus/utils';
import type { PartBuffer, PartBuffers } from './part-buffers.js';
import { type PartFit, partLength } from './part-plan.js';
import type { StoredPart } from './stored-parts.js';
import { StreamedAttempt } from './streamed-attempt.js';

/**
 * Parts of one PATCH being stored (or hashed) while the next one fills. Each part is
 * streamed as it arrives, so S3 answers for it soon after its last byte: more would
 * not make the upload faster, they would only hold memory while S3 is slower than the
 * client, who waits instead (a 1 GiB upload peaked at 181 MiB RSS with 2, 202 with 4).
 */
const PARTS_IN_FLIGHT = 2;

export interface PartWriterOptions {
  partSize: number;
  /** The upload's length, when known: its last part is sent as soon as it is full. */
  size: number | undefined;
  /** Number of the first part to fill (the part after the acknowledged ones). */
  firstPart: number;
  /** Where the first part starts in the upload (the end of the acknowledged parts). */
  firstPartStart: number;
  /** Bytes already received for the first part (the remainder of the previous PATCH). */
  initial: Buffer;
  /** How far parts may depart from the plan to fit the request's body. */
  fit: PartFit;
  /** Bytes of part buffers, shared by every upload of the store. */
  memory: Budget;
  /** Where part buffers come from and go back to. */
  buffers: PartBuffers;
  /**
   * Bytes the request's body declares (Content-Length), when it does: a part this body
   * cannot fill is not streamed to S3 (its bytes would be sent for nothing, S3 refusing
   * a part shorter than its Content-Length), only buffered.
   */
  bodyLength?: number | undefined;
  /** Stores one part (retrying as it sees fit); its body may be sent again, so it is a buffer. */
  uploadPart(partNumber: number, body: Buffer): Promise<StoredPart>;
  /** Sends a part once, its body streamed as it arrives, aborted by `signal` (see StreamedAttempt). */
  streamPart(partNumber: number, body: Readable, length: number, signal: AbortSignal): Promise<StoredPart>;
  /** Sees every new byte, in order, as it is taken (not the `initial` ones). */
  observe?(bytes: Buffer): void;
  /**
   * Told the moment a part is full, every byte up to its end having been observed; the
   * part's buffer is reused only once what it answers has settled (the digest reads it).
   */
  partFilled?(partNumber: number): Promise<unknown> | undefined;
}

/**
 * Cuts the bytes of one PATCH into parts (the plan's, fitted to the body: partLength),
 * streaming each to S3 as it arrives (a first attempt), then retrying it from its buffer
 * if that failed; parts are stored several at once while reading on. Memory is taken from the
 * shared budget before a part buffer is taken, which holds the request stream back
 * when the budget is spent.
 */
export class PartWriter {
  /** Parts stored during this PATCH. */
  readonly stored = new Map<number, StoredPart>();
  /** The first part failure; no more bytes are taken after it. */
  failure: unknown;
  private buffer: PartBuffer | undefined;
  private attempt: StreamedAttempt | undefined;
  private reserved = 0;
  /** Bytes taken from the request's body so far. */
  private received = 0;
  private nextPart: number;
  /** Where the part being filled (or the next one) starts in the upload. */
  private start: number;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: PartWriterOptions) {
    this.nextPart = options.firstPart;
    this.start = options.firstPartStart;
  }

  async write(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      if (this.failure !== undefined) throw this.failure;
      const buffer = this.buffer ?? (await this.allocate());
      const taken = buffer.fill(chunk, at);
      this.options.observe?.(taken);
      this.attempt?.push(taken);
      this.received += taken.length;
      at += taken.length;
      if (buffer.full) this.send();
    }
  }

  /**
   * Waits for the parts in flight and answers the bytes that fill no part (the new
   * remainder).
   */
  async finish(): Promise<Buffer> {
    const { initial, firstPart, size } = this.options;
    if (this.buffer === undefined && this.nextPart === firstPart && initial.length > 0) {
      // An empty PATCH: the remainder stays, unless the length it declared makes it the last part.
      if (this.start + initial.length !== size) return initial;
      await this.allocate();
      this.send();
    }
    await Promise.all(this.inFlight);
    return this.buffer ? this.buffer.bytes() : Buffer.alloc(0);
  }

  /** Gives back the buffer of the part left unfilled; every read of its bytes must be over. */
  release(): void {
    this.attempt?.cancel();
    this.attempt = undefined;
    this.buffer?.release();
    this.buffer = undefined;
    this.options.memory.give(this.reserved);
    this.reserved = 0;
  }

  private async allocate(): Promise<PartBuffer> {
    while (this.inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(this.inFlight);
    const { partSize, size, initial, memory, bodyLength, fit } = this.options;
    // The remainder of the previous PATCH starts the first part.
    const before = this.nextPart === this.options.firstPart ? initial.length : 0;
    const available = bodyLength === undefined ? undefined : before + bodyLength - this.received;
    const partNumber = this.nextPart;
    const length = partLength(partNumber, this.start, { partSize, size }, before, available, fit);
    // Past the declared length, or past the last part S3 allows (a deferred length beyond its plan).
    if (length <= 0 || partNumber > MAX_PARTS) throw ERRORS.ERR_SIZE_EXCEEDED;
    this.reserved = await memory.take(length);
    const buffer = this.options.buffers.part(length);
    this.buffer = buffer;
    if (available === undefined || available >= length) {
      this.attempt = new StreamedAttempt((body, signal) =>
        this.options.streamPart(partNumber, body, length, signal),
      );
    }
    for (let at = 0; at < before; ) {
      const taken = buffer.fill(initial, at);
      this.attempt?.push(taken);
      at += taken.length;
    }
    return buffer;
  }

  private send(): void {
    const body = this.buffer!;
    const reserved = this.reserved;
    const partNumber = this.nextPart++;
    this.start += body.length;
    const read = this.options.partFilled?.(partNumber);
    const attempt = this.attempt;
    attempt?.end();
    this.attempt = undefined;
    this.buffer = undefined;
    this.reserved = 0;
    const stored = attempt ? attempt.result : Promise.resolve(undefined);
    const sending = stored
      .then((streamed) => streamed ?? this.options.uploadPart(partNumber, body.bytes()))
      .then(
        (part) => void this.stored.set(partNumber, part),
        (error: unknown) => {
          this.failure ??= error;
        },
      )
      // The digest's failure is its own to report (at the commit), not the part's.
      .then(() => read)
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        body.release();
        this.options.memory.give(reserved);
        this.inFlight.delete(sending);
      });
    this.inFlight.add(sending);
  }
}

import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from '@stowage/storage-driver-s3';

/** A finished partial upload's object. */
export interface ConcatSource {
  key: string;
  size: number;
}

/** A range of one source. */
export interface Piece {
  key: string;
  start: number;
  /** Exclusive. */
  end: number;
}

/**
 * One part of the final object: a single piece is copied server-side (UploadPartCopy
 * with a range); several pieces are read and sent through this process.
 */
export interface ConcatPart {
  pieces: Piece[];
  size: number;
}

export interface ConcatPlanOptions {
  /** Part size for assembled and equal parts (the location's chunk size). */
  partSize: number;
  /** Every part but the last of the same size (R2). */
  equalParts: boolean;
  /** S3's smallest non-last part; lowered only by tests on an emulator. */
  minPartSize?: number;
}

/**
 * Bytes of a source copied by one UploadPartCopy, at least. A server copies a part's range
 * in one request, one thread: ranges of this size let it copy a large partial on all its
 * cores (RGW on two: 4 partials of 256 MiB joined in 3.2 s instead of 5.0).
 */
const COPY_RANGE = 64 * 1024 * 1024;

/**
 * The parts of the concatenation of `sources`, with as few bytes through this process
 * as S3's rules allow: every source of at least the minimum part size is copied
 * server-side (in ranges of 64 MiB or more), and only sources too small to be a part of
 * their own are joined with their neighbours' bytes. Where every part must have the
 * same size (R2), parts are cut at equal offsets and only those that straddle two
 * sources are assembled.
 */
export function planConcatenation(sources: ConcatSource[], options: ConcatPlanOptions): ConcatPart[] {
  const total = sources.reduce((sum, source) => sum + source.size, 0);
  const minPartSize = options.minPartSize ?? MIN_PART_SIZE;
  const plan = options.equalParts
    ? equalParts(sources, total, Math.max(options.partSize, Math.ceil(total / MAX_PARTS), minPartSize))
    : copyFirstParts(
        sources,
        minPartSize,
        Math.max(COPY_RANGE, Math.ceil(total / (MAX_PARTS - sources.length))),
      );
  if (plan.length > MAX_PARTS) throw new RangeError(`The concatenation needs ${plan.length} parts`);
  return plan;
}

function copyFirstParts(sources: ConcatSource[], minPartSize: number, copyRange: number): ConcatPart[] {
  const parts: ConcatPart[] = [];
  let pending: Piece[] = [];
  let pendingSize = 0;
  const take = (piece: Piece) => {
    pending.push(piece);
    pendingSize += piece.end - piece.start;
  };
  const flush = () => {
    if (pendingSize > 0) parts.push({ pieces: pending, size: pendingSize });
    pending = [];
    pendingSize = 0;
  };
  for (const { key, size } of sources) {
    let at = 0;
    if (pendingSize > 0) {
      // Small bytes before this source: fill them up to a part with this source's first bytes.
      const needed = Math.min(size, minPartSize - pendingSize);
      take({ key, start: 0, end: needed });
      at = needed;
      if (pendingSize >= minPartSize) flush();
    }
    const rest = size - at;
    if (rest >= minPartSize) {
      const count = Math.max(Math.ceil(rest / MAX_PART_SIZE), Math.floor(rest / copyRange));
      const length = Math.ceil(rest / count);
      for (let start = at; start < size; start += length) {
        const end = Math.min(size, start + length);
        parts.push({ pieces: [{ key, start, end }], size: end - start });
      }
    } else if (rest > 0) {
      take({ key, start: at, end: size });
    }
  }
  flush();
  return parts;
}

function equalParts(sources: ConcatSource[], total: number, partSize: number): ConcatPart[] {
  const parts: ConcatPart[] = [];
  let sourceIndex = 0;
  let sourceStart = 0;
  for (let start = 0; start < total; start += partSize) {
    const end = Math.min(total, start + partSize);
    const pieces: Piece[] = [];
    for (let at = start; at < end; ) {
      while (sourceStart + sources[sourceIndex]!.size <= at) sourceStart += sources[sourceIndex++]!.size;
      const source = sources[sourceIndex]!;
      const pieceEnd = Math.min(end, sourceStart + source.size);
      pieces.push({ key: source.key, start: at - sourceStart, end: pieceEnd - sourceStart });
      at = pieceEnd;
    }
    parts.push({ pieces, size: end - start });
  }
  return parts;
}

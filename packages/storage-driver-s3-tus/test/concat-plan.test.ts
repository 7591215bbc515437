import { describe, expect, it } from 'vitest';
import { planConcatenation } from '../src/concat-plan.js';

const MiB = 1024 * 1024;
const source = (key: string, size: number) => ({ key, size });
const shapes = (parts: ReturnType<typeof planConcatenation>) =>
  parts.map((part) => part.pieces.map((piece) => `${piece.key}:${piece.start}-${piece.end}`).join('+'));

describe('the parts of a concatenation', () => {
  it('copies every partial of 5 MiB or more whole, sending no byte through the process', () => {
    const parts = planConcatenation([source('a', 6 * MiB), source('b', 5 * MiB), source('c', 100)], {
      partSize: 8 * MiB,
      equalParts: false,
    });
    expect(shapes(parts)).toEqual([`a:0-${6 * MiB}`, `b:0-${5 * MiB}`, 'c:0-100']);
  });

  it('copies a large partial in ranges of 64 MiB or more, so that S3 copies them at once', () => {
    const parts = planConcatenation([source('a', 256 * MiB), source('b', 100 * MiB)], {
      partSize: 8 * MiB,
      equalParts: false,
    });
    expect(parts.map((part) => part.size / MiB)).toEqual([64, 64, 64, 64, 100]);
    expect(parts.every((part) => part.pieces.length === 1)).toBe(true);
  });

  it('joins a small partial with the next one’s first bytes, copying the rest', () => {
    const parts = planConcatenation([source('a', 1 * MiB), source('b', 20 * MiB)], {
      partSize: 8 * MiB,
      equalParts: false,
    });
    expect(shapes(parts)).toEqual([`a:0-${MiB}+b:0-${4 * MiB}`, `b:${4 * MiB}-${20 * MiB}`]);
    expect(parts.reduce((sum, part) => sum + part.size, 0)).toBe(21 * MiB);
  });

  it('cuts equal parts where the provider requires them, assembling only those across a boundary', () => {
    const parts = planConcatenation([source('a', 12 * MiB), source('b', 12 * MiB)], {
      partSize: 8 * MiB,
      equalParts: true,
    });
    expect(parts.map((part) => part.size)).toEqual([8 * MiB, 8 * MiB, 8 * MiB]);
    expect(shapes(parts)).toEqual([
      `a:0-${8 * MiB}`,
      `a:${8 * MiB}-${12 * MiB}+b:0-${4 * MiB}`,
      `b:${4 * MiB}-${12 * MiB}`,
    ]);
  });

  it('plans nothing for nothing, and one part for tiny partials', () => {
    expect(planConcatenation([source('a', 0)], { partSize: 8 * MiB, equalParts: false })).toEqual([]);
    expect(
      shapes(planConcatenation([source('a', 3), source('b', 4)], { partSize: 8 * MiB, equalParts: false })),
    ).toEqual(['a:0-3+b:0-4']);
  });
});

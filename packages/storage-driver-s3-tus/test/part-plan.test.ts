import { describe, expect, it } from 'vitest';
import { planPartSize } from '../src/part-plan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const plan = { chunkSize: 8 * MiB, maxParts: 10_000, deferredLengthMaxSize: 80 * GiB };

describe('the part plan', () => {
  it('uses the chunk size while the length fits in the part budget', () => {
    expect(planPartSize(0, plan)).toBe(8 * MiB);
    expect(planPartSize(78 * GiB, plan)).toBe(8 * MiB);
  });

  it('raises the part size to whole MiB so that the length fits in the budget', () => {
    expect(planPartSize(100 * GiB, plan)).toBe(11 * MiB);
    expect(planPartSize(100 * GiB, { ...plan, maxParts: 1000 })).toBe(103 * MiB);
  });

  it('plans deferred lengths for the assumed maximum, not for 5 TiB', () => {
    expect(planPartSize(undefined, plan)).toBe(9 * MiB);
  });

  it('refuses what 5 GiB parts cannot hold with 413', () => {
    expect(() => planPartSize(5 * 1024 * GiB, { ...plan, maxParts: 100 })).toThrow(
      expect.objectContaining({ status_code: 413 }),
    );
  });
});

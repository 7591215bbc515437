import { describe, expect, it } from 'vitest';
import { partLength, planPartSize } from '../src/part-plan.js';

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

describe('partLength', () => {
  const fit = { fitToBody: true, minPartSize: 5 * MiB, maxParts: 10_000 };
  const upload = { partSize: 8 * MiB, size: 1024 * MiB };

  it('gives a body ending inside a part a part of its own only while the rest still fits the part budget', () => {
    expect(partLength(1, 0, upload, 0, 6 * MiB, fit)).toBe(6 * MiB);
    // 128 planned parts of 8 MiB hold the 1,018 MiB after it: part 9,872 may be short, 9,873 may not.
    expect(partLength(9_872, 0, upload, 0, 6 * MiB, fit)).toBe(6 * MiB);
    expect(partLength(9_873, 0, upload, 0, 6 * MiB, fit)).toBe(8 * MiB);
  });

  it('keeps the plan where the body is too short, unknown, or parts must be equal', () => {
    expect(partLength(1, 0, upload, 0, 4 * MiB, fit)).toBe(8 * MiB);
    expect(partLength(1, 0, upload, 0, undefined, fit)).toBe(8 * MiB);
    expect(partLength(1, 0, upload, 0, 10 * MiB, { ...fit, fitToBody: false })).toBe(8 * MiB);
    // A remainder longer than a planned part (left by an interrupted longer part) fits whole.
    expect(partLength(3, 16 * MiB, upload, 11 * MiB, undefined, fit)).toBe(11 * MiB);
  });
});

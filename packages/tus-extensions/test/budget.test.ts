import { describe, expect, it } from 'vitest';
import { Budget } from '../src/budget.js';

describe('Budget', () => {
  it('grants in arrival order; a waiter that gives up takes nothing and lets the next in', async () => {
    const budget = new Budget(2);
    expect(await budget.take(2)).toBe(2);
    const granted: string[] = [];
    const leaving = new AbortController();
    const first = budget.take(2, leaving.signal).then(() => granted.push('first'));
    const second = budget.take(1).then(() => granted.push('second'));
    leaving.abort(new Error('client gone'));
    await expect(first).rejects.toThrow('client gone');
    budget.give(1);
    await second;
    expect(granted).toEqual(['second']);
    // One unit is still held (the initial two, less the one given back, plus the second's).
    const third = budget.take(1).then(() => granted.push('third'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(granted).toEqual(['second']);
    budget.give(1);
    await third;
    expect(granted).toEqual(['second', 'third']);
  });
});

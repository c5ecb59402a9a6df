import { describe, expect, it } from '@jest/globals';
import { allocateWrites, type BudgetClaim } from '../../../src/rotation/write-budget.js';
import { daysAgo } from '../support/fixtures.js';

const claim = (writes: number, ageDays: number | undefined, last = false): BudgetClaim => ({
  writes,
  keyCreatedAt: ageDays === undefined ? undefined : daysAgo(ageDays),
  last,
});

describe('allocateWrites', () => {
  it('starts the oldest keys first and defers what does not fit', () => {
    // Twelve users with one target each (2 writes), a budget of 16: the 8 oldest start.
    const claims = Array.from({ length: 12 }, (_, i) => claim(2, 100 + i));
    const { starts, left } = allocateWrites(claims, 16);
    expect(starts).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(left).toBe(0);
  });

  it('lets a smaller user use what a bigger older one could not', () => {
    const { starts } = allocateWrites([claim(10, 300), claim(2, 100)], 6);
    expect(starts).toEqual([false, true]);
  });

  it('never needs budget for a plan without writes, and puts a user without a key first', () => {
    const { starts, left } = allocateWrites([claim(0, 5), claim(2, 100), claim(2, undefined)], 2);
    expect(starts).toEqual([true, false, true]);
    expect(left).toBe(0);
  });

  it('considers the action own user last, however old its key', () => {
    const { starts } = allocateWrites([claim(2, 400, true), claim(2, 100)], 2);
    expect(starts).toEqual([false, true]);
  });
});

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

  it('keeps the order of the claims between equally old keys', () => {
    const same = daysAgo(100);
    const claims = [0, 1, 2, 3].map(() => ({ writes: 2, keyCreatedAt: same, last: false }));
    expect(allocateWrites(claims, 4).starts).toEqual([true, true, false, false]);
  });

  it('orders by age in any input order, own user last whatever its place', () => {
    for (const ages of [
      [10, 20, 30, 40, 50],
      [50, 40, 30, 20, 10],
      [30, 10, 50, 20, 40],
    ]) {
      const claims = ages.map((age) => claim(2, age));
      const starts = allocateWrites(claims, 4).starts;
      expect(ages.filter((_, i) => starts[i])).toEqual(expect.arrayContaining([50, 40]));
      expect(starts.filter(Boolean)).toHaveLength(2);
    }
    const own = [claim(2, 10), claim(2, 500, true), claim(2, 20)];
    expect(allocateWrites(own, 4).starts).toEqual([true, false, true]);
    expect(allocateWrites([claim(2, 500, true), claim(2, 1)], 2).starts).toEqual([false, true]);
  });

  it('puts a user without a key before even a key created at the epoch', () => {
    const epoch = { writes: 2, keyCreatedAt: new Date(0), last: false };
    expect(allocateWrites([epoch, claim(2, undefined)], 2).starts).toEqual([false, true]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { Problems } from '../../../src/settings/input-parsing.js';
import { inShard, parseShard, shardOf } from '../../../src/settings/shard.js';

const users = Array.from({ length: 60 }, (_, i) => ({ name: `user-${i}`, targets: [] }));

describe('shards', () => {
  it('split the users into disjoint, complete shares', () => {
    const shares = [1, 2, 3].map((index) => users.filter((u) => inShard(u, { index, count: 3 })));
    expect(
      shares
        .flat()
        .map((u) => u.name)
        .sort(),
    ).toEqual(users.map((u) => u.name).sort());
    expect(shares.every((share) => share.length > 10)).toBe(true);
  });

  it('keep a user in its shard when others are added or removed, and ignore case', () => {
    const before = users.map((u) => shardOf(u, 3));
    const edited = [{ name: 'new-user', targets: [] }, ...users.slice(5)];
    expect(edited.slice(1).map((u) => shardOf(u, 3))).toEqual(before.slice(5));
    expect(shardOf({ name: 'USER-7' }, 3)).toBe(shardOf({ name: 'user-7' }, 3));
  });

  it('tell the same user in two accounts apart', () => {
    const spread = new Set(
      Array.from({ length: 20 }, (_, i) => shardOf({ name: 'ci', account: `acct-${i}` }, 4)),
    );
    expect(spread.size).toBeGreaterThan(1);
  });

  it('parse i/n and refuse anything else', () => {
    const problems = new Problems();
    expect(parseShard('2/3', problems)).toEqual({ index: 2, count: 3 });
    expect(parseShard('', problems)).toBeUndefined();
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1/300', '2']) parseShard(bad, problems);
    expect(problems.list).toHaveLength(6);
    expect(problems.list[0]).toBe('shard: "0/3" is not of the form i/n with 1 <= i <= n <= 256');
  });
});

/**
 * `shard: i/n` for a job matrix: a stable share of the users, chosen by a hash of account and
 * user name, not by list position, so editing the config moves few users between shards.
 */
import { createHash } from 'node:crypto';
import { iamUserKey } from '../model/access-key.js';
import type { Shard, UserSpec } from '../model/settings.js';
import type { Problems } from './input-parsing.js';

const SHARD = /^(\d+)\/(\d+)$/;

/** "2/3" -> { index: 2, count: 3 }; '' -> undefined. */
export function parseShard(text: string, problems: Problems): Shard | undefined {
  if (text === '') return undefined;
  const match = SHARD.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  // 1 <= index <= count also keeps count at 1 or more.
  if (!match || count > 256 || index < 1 || index > count) {
    problems.add('shard', `"${text}" is not of the form i/n with 1 <= i <= n <= 256`);
    return undefined;
  }
  return { index, count };
}

/** The shard (1..count) a user belongs to; the same for every job and every run. */
export function shardOf(user: Pick<UserSpec, 'name' | 'account'>, count: number): number {
  const id = `${user.account ?? ''}/${iamUserKey(user.name)}`;
  const hash = createHash('sha256').update(id).digest().readUInt32BE(0);
  return (hash % count) + 1;
}

export function inShard(user: UserSpec, shard: Shard): boolean {
  return shardOf(user, shard.count) === shard.index;
}

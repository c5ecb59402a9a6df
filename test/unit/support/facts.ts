/** UserFacts from plain data, counting what a decision had to look up. */
import type { KeyFact } from '../../../src/model/access-key.js';
import {
  decodeRecord,
  encodeRecord,
  type RotationRecord,
} from '../../../src/rotation/lifecycle-record.js';
import type { TargetStamps } from '../../../src/rotation/target-holdings.js';
import type { UserFacts } from '../../../src/rotation/user-facts.js';

export interface CountedFacts extends UserFacts {
  readonly lookedUp: string[];
  stampReads: number;
}

export function factsOf(options: {
  keys: KeyFact[];
  record?: RotationRecord;
  stamps?: TargetStamps[];
  /** Last use by key id; a key not listed was never used. */
  lastUse?: Record<string, Date | null>;
}): CountedFacts {
  const facts: CountedFacts = {
    keys: options.keys,
    record: decodeRecord(options.record ? encodeRecord(options.record) : {}),
    lookedUp: [],
    stampReads: 0,
    async lastUse(key) {
      facts.lookedUp.push(key.id);
      return { ...key, lastUsedAt: options.lastUse?.[key.id] ?? null };
    },
    known: () => options.keys,
    async stamps() {
      facts.stampReads += 1;
      if (!options.stamps) throw new Error('the test gave no stamps');
      return options.stamps;
    },
  };
  return facts;
}

/** A record with the fields a test does not care about filled in. */
export function recordOf(fields: Partial<RotationRecord> & Pick<RotationRecord, 'state'>) {
  return {
    oldKeyId: undefined,
    newKeyId: undefined,
    startedAt: new Date(0),
    switchedAt: undefined,
    restoredAt: undefined,
    run: 'octo/ops/1/1',
    ...fields,
  } satisfies RotationRecord;
}

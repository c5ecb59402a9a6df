import { describe, expect, it } from '@jest/globals';
import { splitSelf } from '../../../src/rotation/self-rotation.js';

describe('splitSelf', () => {
  const users = [
    { name: 'app', targets: [] },
    { name: 'CI-Deploy', targets: [] },
  ];
  it('finds the caller user whatever the case, and leaves the rest in order', () => {
    const caller = { userName: 'ci-deploy', arn: 'arn:aws:iam::1:user/ci-deploy' };
    expect(splitSelf(users, caller)).toEqual({ others: [users[0]], self: users[1] });
  });
  it('finds no self for a role session', () => {
    const caller = { userName: undefined, arn: 'arn:aws:sts::1:assumed-role/r/s' };
    expect(splitSelf(users, caller)).toEqual({ others: users, self: undefined });
  });
});

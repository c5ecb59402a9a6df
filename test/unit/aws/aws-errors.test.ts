import { describe, expect, it } from '@jest/globals';
import { explainAwsError } from '../../../src/aws/aws-errors.js';
import { messageOf } from '../../../src/model/errors.js';

const errorMessage = (error: unknown): string => messageOf(explainAwsError(error));

describe('errorMessage', () => {
  it('points an AWS AccessDenied at the IAM policy in the README', () => {
    const denied = Object.assign(
      new Error('User: arn:aws:iam::1:user/r is not authorized to perform: iam:ListAccessKeys'),
      {
        name: 'AccessDenied',
      },
    );
    expect(errorMessage(denied)).toBe(
      'AWS denied the request: User: arn:aws:iam::1:user/r is not authorized to perform: iam:ListAccessKeys. ' +
        'The credentials the action runs with need the least-privilege IAM policy from the README for this user.',
    );
  });
  it('explains a key that vanished mid-run', () => {
    const gone = Object.assign(new Error('The Access Key with id AKIA1 cannot be found'), {
      name: 'NoSuchEntityException',
    });
    expect(errorMessage(gone)).toMatch(
      /cannot be found \(the user or its keys changed while this run worked on them/,
    );
  });

  it('keeps other messages as they are, and strings as strings', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
  });
});

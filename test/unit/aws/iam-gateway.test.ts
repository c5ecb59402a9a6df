import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { createIamGateway } from '../../../src/aws/iam-gateway.js';

const iamMock = mockClient(IAMClient);
const client = new IAMClient({ region: 'us-east-1' });

beforeEach(() => {
  iamMock.reset();
});

describe('IAM gateway', () => {
  it('lists keys across pages', async () => {
    const created = new Date('2026-01-01T00:00:00Z');
    iamMock
      .on(ListAccessKeysCommand, { UserName: 'u', Marker: undefined })
      .resolves({
        AccessKeyMetadata: [{ AccessKeyId: 'AKIA1', Status: 'Active', CreateDate: created }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .on(ListAccessKeysCommand, { UserName: 'u', Marker: 'm1' })
      .resolves({
        AccessKeyMetadata: [{ AccessKeyId: 'AKIA2', Status: 'Inactive', CreateDate: created }],
      });
    const keys = await createIamGateway(
      () => client,
      () => undefined,
    ).listKeys('u');
    expect(keys).toEqual([
      { id: 'AKIA1', status: 'Active', createdAt: created },
      { id: 'AKIA2', status: 'Inactive', createdAt: created },
    ]);
    expect(iamMock.commandCalls(ListAccessKeysCommand)).toHaveLength(2);
  });

  it('masks the new secret before returning the key', async () => {
    iamMock.on(CreateAccessKeyCommand, { UserName: 'u' }).resolves({
      AccessKey: {
        UserName: 'u',
        AccessKeyId: 'AKIANEW',
        SecretAccessKey: 'sekret',
        Status: 'Active',
        CreateDate: new Date(),
      },
    });
    const mask = jest.fn();
    const key = await createIamGateway(() => client, mask).createKey('u');
    expect(mask).toHaveBeenCalledWith('sekret');
    expect(key).toMatchObject({ id: 'AKIANEW', secret: 'sekret' });
  });

  it('refuses an answer without a whole key, having masked any secret it held', async () => {
    iamMock.on(CreateAccessKeyCommand).resolves({
      AccessKey: { UserName: 'u', SecretAccessKey: 'half', Status: 'Active' } as never,
    });
    const mask = jest.fn();
    await expect(createIamGateway(() => client, mask).createKey('u')).rejects.toThrow(
      'IAM CreateAccessKey returned no key for u',
    );
    expect(mask).toHaveBeenCalledWith('half');
  });

  it('dates a key IAM returned without a creation date now', async () => {
    iamMock.on(CreateAccessKeyCommand).resolves({
      AccessKey: { UserName: 'u', AccessKeyId: 'AKIANEW', SecretAccessKey: 's' } as never,
    });
    const before = Date.now();
    const key = await createIamGateway(() => client, jest.fn()).createKey('u');
    expect(key.createdAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('reads last use, or null when never used', async () => {
    const used = new Date('2026-02-01T00:00:00Z');
    iamMock
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'A' })
      .resolves({ AccessKeyLastUsed: { LastUsedDate: used, Region: 'x', ServiceName: 's' } })
      .on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'B' })
      .resolves({ AccessKeyLastUsed: { Region: 'N/A', ServiceName: 'N/A' } });
    const iam = createIamGateway(
      () => client,
      () => undefined,
    );
    expect(await iam.lastUsed('A')).toEqual({ at: used, service: 's', region: 'x' });
    // IAM says N/A for the service and region of a key never used.
    expect(await iam.lastUsed('B')).toEqual({ at: null, service: undefined, region: undefined });
  });

  it('sends status changes and deletions for the named user', async () => {
    iamMock.on(UpdateAccessKeyCommand).resolves({}).on(DeleteAccessKeyCommand).resolves({});
    const iam = createIamGateway(
      () => client,
      () => undefined,
    );
    await iam.setStatus('u', 'AKIA1', 'Inactive');
    await iam.deleteKey('u', 'AKIA2');
    expect(iamMock.commandCalls(UpdateAccessKeyCommand)[0]?.args[0].input).toEqual({
      UserName: 'u',
      AccessKeyId: 'AKIA1',
      Status: 'Inactive',
    });
    expect(iamMock.commandCalls(DeleteAccessKeyCommand)[0]?.args[0].input).toEqual({
      UserName: 'u',
      AccessKeyId: 'AKIA2',
    });
  });

  it('names a user that does not exist', async () => {
    iamMock.on(ListAccessKeysCommand).rejects(
      Object.assign(new Error('The user with name u cannot be found.'), {
        name: 'NoSuchEntityException',
      }),
    );
    await expect(
      createIamGateway(
        () => client,
        () => undefined,
      ).listKeys('u'),
    ).rejects.toThrow(
      'IAM user u does not exist (The user with name u cannot be found.); check its name',
    );
  });

  it('passes other IAM errors through with their message and name', async () => {
    iamMock
      .on(ListAccessKeysCommand)
      .rejects(Object.assign(new Error('IAM is having a bad day'), { name: 'ServiceFailure' }));
    const failure = createIamGateway(
      () => client,
      () => undefined,
    ).listKeys('u');
    await expect(failure).rejects.toThrow(/^IAM is having a bad day$/);
    await expect(failure).rejects.toMatchObject({ name: 'ServiceFailure' });
  });
});

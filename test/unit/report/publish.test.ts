/**
 * What the action publishes stays within GitHub's limits at any size: the summary under 1 MiB,
 * each output under 1 MB, at most ten error annotations; and nothing holds a known secret.
 */
import { describe, expect, it } from '@jest/globals';
import type { UserResult } from '../../../src/model/user-result.js';
import { attentionOf } from '../../../src/report/attention.js';
import { publish, type ActionOutput } from '../../../src/report/publish.js';
import { Redactor } from '../../../src/report/redaction.js';
import { compactReportJson, OUTPUT_LIMIT_BYTES } from '../../../src/report/report-json.js';
import { DEFAULT_POLICY } from '../support/fixtures.js';

const scope = { type: 'repository', owner: 'octo', repo: 'app', kind: 'actions' } as const;

function failing(i: number): UserResult {
  const target = {
    target: `octo/app-${i} (Actions): AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY`,
    scope,
    state: 'failed' as const,
    error: `octo/app-${i} (Actions): not found (404 while reading the public key); check the name and that the token can see it`,
  };
  return {
    user: `user-with-a-rather-long-name-${i}`,
    outcome: 'failed',
    message: `a target cannot be written, nothing was changed: ${target.error}`.repeat(3),
    oldKeyId: `AKIAOLD${String(i).padStart(13, '0')}`,
    oldKeyAgeDays: 120,
    deletedKeyIds: [],
    deactivatedKeyIds: [],
    targets: [target, { ...target, target: `${target.target} (2)` }],
  };
}

function recorder() {
  const outputs: Record<string, string> = {};
  const errors: string[] = [];
  let summary = '';
  let failed = '';
  let file = '';
  const out: ActionOutput = {
    setOutput: (name, value) => void (outputs[name] = String(value)),
    writeSummary: async (markdown) => void (summary = markdown),
    writeReportFile: (json) => {
      file = json;
      return '/tmp/report.json';
    },
    error: (message) => void errors.push(message),
    setFailed: (message) => void (failed = message),
  };
  return { out, outputs, errors, get: () => ({ summary, failed, file }) };
}

const context = { policy: DEFAULT_POLICY, dryRun: false, serverUrl: 'https://github.com' };

describe('publish at scale', () => {
  it('keeps 1,300 failing users within every GitHub limit, and the file holds them all', async () => {
    const results = Array.from({ length: 1300 }, (_, i) => failing(i));
    const { out, outputs, errors, get } = recorder();
    await publish(
      { results, attention: attentionOf(results) },
      context,
      out,
      new Redactor(() => undefined),
    );
    const { summary, failed, file } = get();
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);
    for (const value of Object.values(outputs))
      expect(Buffer.byteLength(value)).toBeLessThan(1_000_000);
    expect(JSON.parse(outputs.report!)).toHaveLength(1300);
    expect(JSON.parse(file)).toHaveLength(1300);
    expect(outputs['report-file']).toBe('/tmp/report.json');
    // Ten annotations in all: eight users, one line for the rest, and the verdict.
    expect(errors).toHaveLength(9);
    expect(errors[8]).toBe('1292 more user(s) failed; the job summary lists them all');
    expect(failed).toBe('1300 of 1300 user(s) failed; see the job summary');
    expect(summary).toMatch(/more user\(s\) left out of this/);
  });

  it('shows every failure when there are few', async () => {
    const { out, errors } = recorder();
    const results = [failing(1), failing(2)];
    await publish(
      { results, attention: attentionOf(results) },
      context,
      out,
      new Redactor(() => undefined),
    );
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'user-with-a-rather-long-name-1',
      'user-with-a-rather-long-name-2',
    ]);
  });

  it('replaces a known secret everywhere it would be published', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
    const leaky = { ...failing(1), message: `boom ${secret}` };
    const { out, outputs, errors, get } = recorder();
    const redactor = new Redactor(() => undefined);
    redactor.add(secret);
    await publish({ results: [leaky], attention: attentionOf([leaky]) }, context, out, redactor);
    const everything = JSON.stringify([outputs, errors, get()]);
    expect(everything).not.toContain(secret);
    expect(everything).toContain('boom ***');
  });
});

describe('compactReportJson', () => {
  it('says how many users it left out past its limit, and stays valid JSON', () => {
    const results = Array.from({ length: 50 }, (_, i) => failing(i));
    const json = compactReportJson(results, 2000);
    const parsed = JSON.parse(json) as Record<string, unknown>[];
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(2000);
    expect(parsed.at(-1)).toEqual({ omitted: 50 - (parsed.length - 1), see: 'report-file' });
    expect(OUTPUT_LIMIT_BYTES).toBeLessThan(1_000_000);
  });
});

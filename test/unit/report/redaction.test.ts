import { describe, expect, it, jest } from '@jest/globals';
import { Redactor } from '../../../src/report/redaction.js';

describe('Redactor', () => {
  it('masks each secret the moment it is added, and replaces every occurrence in text', () => {
    const mask = jest.fn();
    const redactor = new Redactor(mask);
    redactor.add('tok-123');
    expect(mask).toHaveBeenCalledWith('tok-123');
    redactor.add('sec/456+');
    expect(redactor.redact('a tok-123 b sec/456+ c tok-123')).toBe('a *** b *** c ***');
  });

  it('ignores an empty value: nothing masked, text unchanged', () => {
    const mask = jest.fn();
    const redactor = new Redactor(mask);
    redactor.add('');
    expect(mask).not.toHaveBeenCalled();
    expect(redactor.redact('plain text')).toBe('plain text');
  });

  it('leaves text without a known secret as it is', () => {
    expect(new Redactor(() => undefined).redact('nothing here')).toBe('nothing here');
  });
});

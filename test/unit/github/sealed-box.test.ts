import { describe, expect, it } from '@jest/globals';
import sodium from 'libsodium-wrappers';
import { seal } from '../../../src/github/sealed-box.js';

describe('seal', () => {
  it('produces a sealed box that the private key opens to the plaintext', async () => {
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const publicKey = sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL);
    const sealed = await seal('fake/secret+key=for-the-round-trip', publicKey);
    const box = sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL);
    const opened = sodium.crypto_box_seal_open(box, pair.publicKey, pair.privateKey);
    expect(sodium.to_string(opened)).toBe('fake/secret+key=for-the-round-trip');
  });

  it('uses standard base64 with padding, as GitHub expects', async () => {
    await sodium.ready;
    const pair = sodium.crypto_box_keypair();
    const sealed = await seal(
      'x',
      sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL),
    );
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(sealed.length % 4).toBe(0);
  });

  it('rejects a public key that is not base64', async () => {
    await expect(seal('x', 'not base64!')).rejects.toThrow();
  });
});

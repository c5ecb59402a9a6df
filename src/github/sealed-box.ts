/** libsodium sealed boxes, the encryption GitHub requires for secret values. */
import sodium from 'libsodium-wrappers';

/** Encrypts `plaintext` for the holder of `publicKeyBase64`; returns base64 as GitHub expects. */
export async function seal(plaintext: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready;
  const publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  const box = sodium.crypto_box_seal(sodium.from_string(plaintext), publicKey);
  return sodium.to_base64(box, sodium.base64_variants.ORIGINAL);
}

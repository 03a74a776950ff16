import { createHmac, timingSafeEqual } from 'node:crypto';

/** Nova's X-Instance-ID-Signature: hex HMAC-SHA256 of the instance id under the shared secret. */
export function instanceIdSignature(instanceId: string, secret: string): string {
  return createHmac('sha256', secret).update(instanceId).digest('hex');
}

/** Compares in constant time, so the signature cannot be guessed byte by byte from response times. */
export function validInstanceIdSignature(instanceId: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(instanceIdSignature(instanceId, secret));
  const given = Buffer.from(signature.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

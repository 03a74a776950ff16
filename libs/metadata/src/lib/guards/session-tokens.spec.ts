import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SessionTokens } from './session-tokens';
import { readTokenKeyFile, TokenKeyFileError } from './token-keys';

const KEY_A = Buffer.from('a'.repeat(32));
const KEY_B = Buffer.from('b'.repeat(44));
const NOW = 1_700_000_000_000;

describe('SessionTokens', () => {
  it('counts keys as shared only when every replica holds them: given keys by default, never its own random one', () => {
    expect(new SessionTokens().shared).toBe(false);
    expect(new SessionTokens([Buffer.alloc(32, 1)]).shared).toBe(true);
    // A key a cluster's primary made for its own workers: other replicas do not know it.
    const workers = [new SessionTokens([Buffer.alloc(32, 1)], Date.now, false), new SessionTokens([Buffer.alloc(32, 1)], Date.now, false)];
    expect(workers[0].shared).toBe(false);
    // ... yet its workers verify each other's tokens.
    expect(workers[1].check(workers[0].issue('10.0.0.5', 60), '10.0.0.5')).toBe('valid');
  });

  it('accepts a token from the client that asked for it until it expires', () => {
    let now = NOW;
    const tokens = new SessionTokens([KEY_A], () => now);
    const token = tokens.issue('10.0.0.5', 60);
    expect(token).toMatch(/^v1\.1700000060\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.check(token, '10.0.0.5')).toBe('valid');
    expect(tokens.check(token, '10.0.0.6')).toBe('invalid');
    expect(tokens.check('forged', '10.0.0.5')).toBe('invalid');
    now += 59_999;
    expect(tokens.check(token, '10.0.0.5')).toBe('valid');
    now += 1;
    expect(tokens.check(token, '10.0.0.5')).toBe('expired');
  });

  it('is accepted by any replica with the same keys, and after a restart, but not under another key', () => {
    const token = new SessionTokens([KEY_A], () => NOW).issue('10.0.0.5', 21600);
    expect(new SessionTokens([KEY_A], () => NOW + 21_599_000).check(token, '10.0.0.5')).toBe('valid');
    expect(new SessionTokens([KEY_B], () => NOW).check(token, '10.0.0.5')).toBe('invalid');
    expect(new SessionTokens([], () => NOW).check(token, '10.0.0.5')).toBe('invalid');
  });

  it('rotates keys without refusing a token: the first key signs, every key verifies', () => {
    const before = new SessionTokens([KEY_A], () => NOW).issue('10.0.0.5', 600);
    const during = new SessionTokens([KEY_B, KEY_A], () => NOW);
    expect(during.check(before, '10.0.0.5')).toBe('valid');
    const after = new SessionTokens([KEY_B], () => NOW);
    expect(after.check(during.issue('10.0.0.5', 600), '10.0.0.5')).toBe('valid');
    expect(after.check(before, '10.0.0.5')).toBe('invalid');
  });

  it('refuses a token altered in any byte', () => {
    const tokens = new SessionTokens([KEY_A], () => NOW);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 21600 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (ttl, at, change) => {
        const token = Buffer.from(tokens.issue('192.0.2.7', ttl));
        const index = at % token.length;
        token[index] = token[index] ^ change;
        return tokens.check(token.toString('latin1'), '192.0.2.7') === 'invalid';
      }),
    );
  });

  it('refuses a token, or a forged one with a later expiry, for any other address', () => {
    const tokens = new SessionTokens([KEY_A], () => NOW);
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.oneof(fc.ipV4(), fc.ipV6()), (owner, other) => {
        fc.pre(owner !== other);
        const token = tokens.issue(owner, 60);
        const later = token.replace(/^v1\.\d+/, `v1.${NOW / 1000 + 21600}`);
        return tokens.check(token, other) === 'invalid' && tokens.check(later, owner) === 'invalid';
      }),
    );
  });

  it.each([0, 21601, 1.5, NaN])('refuses a TTL of %p seconds', (ttl) => {
    expect(() => new SessionTokens().issue('10.0.0.5', ttl)).toThrow('from 1 to 21600');
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new SessionTokens([KEY_A, Buffer.from('short')])).toThrow('IMDSv2 token key 2 is 5 bytes; every key must be at least 32');
  });
});

describe('readTokenKeyFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'token-keys-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o400 });
    return path;
  };

  it('reads one key a line, leaving out blank lines and surrounding white space', () => {
    const keys = readTokenKeyFile(file('keys', `  ${'k'.repeat(32)}  \r\n\n${'l'.repeat(64)}\n`));
    expect(keys.map((key) => key.toString())).toEqual(['k'.repeat(32), 'l'.repeat(64)]);
  });

  it.each([
    [
      'missing',
      () => join(dir, 'absent'),
      /absent does not exist; create it \(one key a line, each at least 32 bytes, e\.g\. openssl rand -base64 48\) with the same content on every replica/,
    ],
    ['a directory', () => dir, /cannot be read: EISDIR/],
    ['empty', () => file('empty', '\n\n'), /holds no key; write one key a line/],
    [
      'with a short key',
      () => file('short', `${'k'.repeat(32)}\n${'s'.repeat(31)}\n`),
      /the key on line 2 of .*short is 31 bytes; every key must be at least 32/,
    ],
  ])('says what is wrong with a key file %s', (_case, path, message) => {
    expect(() => readTokenKeyFile(path())).toThrow(TokenKeyFileError);
    expect(() => readTokenKeyFile(path())).toThrow(message);
  });
});

import { SessionTokens } from './session-tokens';

describe('SessionTokens', () => {
  it('accepts a token from the client that asked for it until it expires', () => {
    let now = 1_000_000;
    const tokens = new SessionTokens(() => now);
    const token = tokens.issue('10.0.0.5', 60);
    expect(tokens.check(token, '10.0.0.5')).toBe('valid');
    expect(tokens.check(token, '10.0.0.6')).toBe('wrong-client');
    expect(tokens.check('forged', '10.0.0.5')).toBe('invalid');
    now += 60_000;
    expect(tokens.check(token, '10.0.0.5')).toBe('expired');
  });

  it.each([0, 21601, 1.5, NaN])('refuses a TTL of %p seconds', (ttl) => {
    expect(() => new SessionTokens().issue('10.0.0.5', ttl)).toThrow('from 1 to 21600');
  });

  it('keeps at most the configured number of tokens, dropping the oldest', () => {
    const tokens = new SessionTokens(Date.now, 2);
    const first = tokens.issue('a', 60);
    const second = tokens.issue('a', 60);
    const third = tokens.issue('a', 60);
    expect([first, second, third].map((token) => tokens.check(token, 'a'))).toEqual(['invalid', 'valid', 'valid']);
  });
});

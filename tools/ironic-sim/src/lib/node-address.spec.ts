import { nodeAddress } from './node-address';

describe('nodeAddress', () => {
  it('counts up from 127.1.0.1 and skips .0 and .255', () => {
    expect([0, 1, 253, 254, 255].map(nodeAddress)).toEqual(['127.1.0.1', '127.1.0.2', '127.1.0.254', '127.1.1.1', '127.1.1.2']);
  });

  it('gives every node of a large fleet its own address', () => {
    const addresses = Array.from({ length: 100_000 }, (_, index) => nodeAddress(index));
    expect(new Set(addresses).size).toBe(100_000);
    expect(addresses.every((address) => /^127\.\d+\.\d+\.(\d+)$/.test(address) && !/\.(0|255)$/.test(address))).toBe(true);
  });

  it('refuses indexes it cannot map', () => {
    expect(() => nodeAddress(-1)).toThrow(RangeError);
    expect(() => nodeAddress(1.5)).toThrow(RangeError);
    expect(() => nodeAddress(255 * 256 * 254)).toThrow(RangeError);
  });
});

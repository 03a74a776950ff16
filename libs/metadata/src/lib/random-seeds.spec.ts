import { RANDOM_SEED_BYTES, RandomSeeds } from './random-seeds';

describe('RandomSeeds', () => {
  it('hands out 512 bytes each time, never the same ones, across refills of the block', () => {
    const seeds = new RandomSeeds(4);
    const drawn = Array.from({ length: 10 }, () => seeds.next());
    expect(drawn.every((seed) => Buffer.from(seed, 'base64').length === RANDOM_SEED_BYTES)).toBe(true);
    expect(new Set(drawn).size).toBe(drawn.length);
  });
});

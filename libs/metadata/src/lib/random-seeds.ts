import { randomFillSync } from 'node:crypto';

/** Nova's `random_seed`: 512 random bytes, base64, new on every read of meta_data.json. */
export const RANDOM_SEED_BYTES = 512;

/**
 * Random seeds drawn from a block of CSPRNG bytes refilled when spent, each byte handed out once:
 * one getrandom call per 128 seeds instead of one per request (a boot storm reads meta_data.json
 * thousands of times a second).
 */
export class RandomSeeds {
  private readonly block: Buffer;
  private offset: number;

  constructor(seedsPerBlock = 128) {
    this.block = Buffer.alloc(RANDOM_SEED_BYTES * seedsPerBlock);
    this.offset = this.block.length;
  }

  next(): string {
    if (this.offset === this.block.length) {
      randomFillSync(this.block);
      this.offset = 0;
    }
    const seed = this.block.toString('base64', this.offset, this.offset + RANDOM_SEED_BYTES);
    this.offset += RANDOM_SEED_BYTES;
    return seed;
  }
}

import { join } from 'node:path';

/** The example inventory every spec reads, nodes on 127.0.0.11-15 (its README says which is which). */
export const EXAMPLE_INVENTORY = join(__dirname, '../../../metadata-server/example/inventory.json');

/** A lease file that can be read and holds no lease, for specs whose lookups must not meet the machine's own. */
export const NO_LEASES = '/dev/null';

export interface Captured<T> {
  result: T;
  stdout: Buffer;
  stderr: string;
}

/** Runs a command body and keeps what it wrote to stdout (as bytes) and stderr, writing nothing to the terminal. */
export async function captured<T>(run: () => Promise<T> | T): Promise<Captured<T>> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const keep = (into: Buffer[]) => (chunk: string | Uint8Array) => {
    into.push(Buffer.from(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(keep(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(keep(err));
  try {
    const result = await run();
    return { result, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Sets environment variables for one spec file and puts them back afterwards. */
export function withEnv(values: Record<string, string | undefined>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(values)) {
      saved[name] = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

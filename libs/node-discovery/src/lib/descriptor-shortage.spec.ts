import { isDescriptorShortage, retryingDescriptorShortage } from './descriptor-shortage';

const emfile = () => Object.assign(new Error("EMFILE: too many open files, open '/etc/inventory.json'"), { code: 'EMFILE' });

describe('retryingDescriptorShortage', () => {
  it('tries a load that ran out of descriptors again, and answers once it succeeds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const load = async () => {
      calls++;
      if (calls < 3) throw emfile();
      return 'inventory';
    };
    await expect(retryingDescriptorShortage(load, async (ms) => void pauses.push(ms))).resolves.toBe('inventory');
    expect(pauses).toEqual([100, 200]);
  });

  it('gives up after five tries with the last error', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      throw emfile();
    };
    await expect(retryingDescriptorShortage(load, async () => undefined)).rejects.toThrow('EMFILE: too many open files');
    expect(calls).toBe(5);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    await expect(retryingDescriptorShortage(load, async () => undefined)).rejects.toThrow('ENOENT');
    expect(calls).toBe(1);
  });

  it('sees a shortage wrapped by a client error', () => {
    expect(isDescriptorShortage(new Error('Ironic unreachable', { cause: Object.assign(new Error('connect'), { code: 'ENFILE' }) }))).toBe(
      true,
    );
    expect(isDescriptorShortage(new Error('GET /v1/nodes: connect EMFILE 127.0.0.1:6385'))).toBe(true);
    expect(isDescriptorShortage(new Error('timeout'))).toBe(false);
    expect(isDescriptorShortage('EMFILE')).toBe(false);
  });
});

import { startProgress } from './progress';

describe('startProgress', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const write = jest.fn();
    startProgress('loading nodes', { isTTY: false, write }).done('loaded 3 nodes');
    expect(write).not.toHaveBeenCalled();
  });

  it('shows the step on a terminal and replaces it with the outcome and the time taken', () => {
    const written: string[] = [];
    let now = 1000;
    const progress = startProgress(
      'loading nodes from Ironic at http://ironic:6385',
      { isTTY: true, write: (text: string) => written.push(text) > 0 },
      () => now,
    );
    now = 3500;
    progress.done('loaded 3 nodes from Ironic at http://ironic:6385');
    expect(written[0]).toBe('\r\u001b[Kloading nodes from Ironic at http://ironic:6385 ...');
    expect(written.at(-1)).toBe('\r\u001b[Kloaded 3 nodes from Ironic at http://ironic:6385 in 2.5 s\n');
  });

  it('leaves no line behind for a quick step', () => {
    const written: string[] = [];
    startProgress('loading nodes', { isTTY: true, write: (text: string) => written.push(text) > 0 }, () => 1000).done('loaded 3 nodes');
    expect(written.at(-1)).toBe('\r\u001b[K');
  });
});

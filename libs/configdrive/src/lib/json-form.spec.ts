import { withIronicNodeDefaults } from './json-form';

describe('withIronicNodeDefaults', () => {
  const node = { uuid: '11111111-2222-4333-8444-555555555516', name: 'node-json-drive' };

  it('fills a missing uuid and name with the node’s, as build_configdrive does', () => {
    expect(withIronicNodeDefaults({ hostname: 'h' }, node)).toEqual({ hostname: 'h', uuid: node.uuid, name: node.name });
  });

  it('keeps a key that is present, whatever its value (Python setdefault)', () => {
    expect(withIronicNodeDefaults({ uuid: 'mine', name: null }, node)).toEqual({ uuid: 'mine', name: null });
  });

  it('adds no name for a node without one', () => {
    expect(withIronicNodeDefaults({}, { uuid: node.uuid, name: null })).toEqual({ uuid: node.uuid });
    expect(withIronicNodeDefaults({}, { uuid: node.uuid, name: '' })).toEqual({ uuid: node.uuid });
  });
});

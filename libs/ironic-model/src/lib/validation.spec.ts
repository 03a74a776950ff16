import fc from 'fast-check';
import { z } from 'zod';
import { applyMutation, jsonMutation } from '../test-support/json-mutations';
import { ironicNodeSchema } from './node';
import { leftAsideIn, parseLeniently } from './validation';

const schema = z.looseObject({
  id: z.string(),
  items: z.array(z.looseObject({ name: z.string().min(1), size: z.number().optional() })).default([]),
  keys: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
  note: z.string().optional(),
});

describe('parseLeniently', () => {
  it('parses valid data as zod does, with nothing left aside', () => {
    const value = { id: 'a', items: [{ name: 'x', size: 1 }], keys: ['k'], extra: { kept: true } };
    expect(parseLeniently(schema, value)).toEqual({ success: true, data: schema.parse(value), leftAside: [] });
  });

  it('removes an unusable optional value, and names it', () => {
    const result = parseLeniently(schema, { id: 'a', note: 42, items: [{ name: 'x', size: 'big' }] });
    expect(result).toEqual({
      success: true,
      data: { id: 'a', items: [{ name: 'x' }] },
      leftAside: [
        { field: 'items[0].size', problem: 'Invalid input: expected number, received string' },
        { field: 'note', problem: 'Invalid input: expected string, received number' },
      ],
    });
    if (result.success) expect(leftAsideIn(result.data)).toEqual(result.leftAside);
  });

  it('takes a list item with its unusable required value, naming the item by its index in the original', () => {
    const result = parseLeniently(schema, { id: 'a', items: [{ name: 'ok' }, { name: 7 }, {}, { name: 'also ok' }, { size: 1 }] });
    expect(result).toEqual({
      success: true,
      data: { id: 'a', items: [{ name: 'ok' }, { name: 'also ok' }] },
      leftAside: [
        { field: 'items[1]', problem: 'name: Invalid input: expected string, received number' },
        { field: 'items[2]', problem: 'name: Invalid input: expected string, received undefined' },
        { field: 'items[4]', problem: 'name: Invalid input: expected string, received undefined' },
      ],
    });
  });

  it('leaves aside once a value zod reports twice (a list where a non-empty string is wanted)', () => {
    const twice = z.looseObject({ id: z.string(), uuid: z.string().min(1).optional() });
    expect(parseLeniently(twice, { id: 'a', uuid: [] })).toEqual({
      success: true,
      data: { id: 'a' },
      leftAside: [{ field: 'uuid', problem: 'Invalid input: expected string, received array' }],
    });
    expect(parseLeniently(twice, { id: [] })).toEqual({
      success: false,
      problems: ['field id: Invalid input: expected string, received array'],
    });
  });

  it('reads a union refused as a whole by the option whose type matched: one bad key costs only itself', () => {
    expect(parseLeniently(schema, { id: 'a', keys: { ops: 'k', bad: 5 } })).toMatchObject({
      success: true,
      data: { keys: { ops: 'k' } },
      leftAside: [{ field: 'keys.bad', problem: 'Invalid input: expected string, received number' }],
    });
    expect(parseLeniently(schema, { id: 'a', keys: 5 })).toMatchObject({ success: true, leftAside: [{ field: 'keys' }] });
  });

  it('fails only when the value as a whole cannot be used, saying which field', () => {
    expect(parseLeniently(schema, { items: [] })).toEqual({
      success: false,
      problems: ['field id: Invalid input: expected string, received undefined'],
    });
    expect(parseLeniently(schema, { id: 3 })).toEqual({
      success: false,
      problems: ['field id: Invalid input: expected string, received number'],
    });
    expect(parseLeniently(schema, 'node')).toEqual({ success: false, problems: ['Invalid input: expected object, received string'] });
  });

  it('leaves the value it was given as it was', () => {
    const value = { id: 'a', items: [{ name: 7 }], note: 1 };
    const copy = structuredClone(value);
    parseLeniently(schema, value);
    expect(value).toEqual(copy);
  });

  it('property: on any one-field mutation of a node, what it gives is valid for the schema, or it names why not', () => {
    const node = {
      uuid: 'u1',
      name: 'n',
      provision_state: 'active',
      instance_info: { fixed_ips: ['10.0.0.1', { ip_address: '10.0.0.2' }], public_keys: { ops: 'k' }, configdrive: { meta_data: {} } },
      network_data: { links: [] },
      extra: { k: 'v' },
    };
    fc.assert(
      fc.property(jsonMutation(node), (mutation) => {
        const result = parseLeniently(ironicNodeSchema, applyMutation(node, mutation));
        if (result.success) expect(ironicNodeSchema.safeParse(result.data).success).toBe(true);
        else expect(result.problems.join()).toMatch(/uuid|provision_state|expected object/);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * Test data builders, shaped like Ironic's answers and validated by the same schemas: a separate
 * entry point, never part of the runtime API.
 *
 * @packageDocumentation
 * @module @ironic-metadata/ironic-model/testing
 */
import {
  ironicNodeSchema,
  ironicPortgroupSchema,
  ironicPortSchema,
  type IronicNode,
  type IronicPort,
  type IronicPortgroup,
} from './lib/node';

let counter = 0;
const nextUuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

/**
 * A valid active node with a fresh uuid and a name `node-N`; `fields` override any of it.
 *
 * @public
 */
export function aNode(fields: Partial<IronicNode> & Record<string, unknown> = {}): IronicNode {
  return ironicNodeSchema.parse({ uuid: nextUuid(), name: `node-${counter}`, provision_state: 'active', ...fields });
}

/**
 * A port of `node` with this MAC `address`; `fields` override the rest.
 *
 * @public
 */
export function aPort(node: IronicNode, address: string, fields: Partial<IronicPort> = {}): IronicPort {
  return ironicPortSchema.parse({ uuid: nextUuid(), address, node_uuid: node.uuid, ...fields });
}

/**
 * A portgroup of `node`; `fields` override the defaults.
 *
 * @public
 */
export function aPortgroup(node: IronicNode, fields: Partial<IronicPortgroup> = {}): IronicPortgroup {
  return ironicPortgroupSchema.parse({ uuid: nextUuid(), node_uuid: node.uuid, ...fields });
}

export {
  applyMutation,
  isUnder,
  jsonMutation,
  jsonPaths,
  nested,
  oddJsonValue,
  type JsonMutation,
  type JsonPath,
} from './test-support/json-mutations';

import { ironicNodeSchema, ironicPortgroupSchema, ironicPortSchema, type IronicNode, type IronicPort, type IronicPortgroup } from './lib/node';

// Test data builders, shaped like Ironic's answers and validated by the same schemas.
// A separate entry point (`@ironic-metadata/ironic-model/testing`): never part of the runtime API.

let counter = 0;
const nextUuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export function aNode(fields: Partial<IronicNode> & Record<string, unknown> = {}): IronicNode {
  return ironicNodeSchema.parse({ uuid: nextUuid(), name: `node-${counter}`, provision_state: 'active', ...fields });
}

export function aPort(node: IronicNode, address: string, fields: Partial<IronicPort> = {}): IronicPort {
  return ironicPortSchema.parse({ uuid: nextUuid(), address, node_uuid: node.uuid, ...fields });
}

export function aPortgroup(node: IronicNode, fields: Partial<IronicPortgroup> = {}): IronicPortgroup {
  return ironicPortgroupSchema.parse({ uuid: nextUuid(), node_uuid: node.uuid, ...fields });
}

export { applyMutation, isUnder, jsonMutation, jsonPaths, nested, oddJsonValue, type JsonMutation, type JsonPath } from './test-support/json-mutations';

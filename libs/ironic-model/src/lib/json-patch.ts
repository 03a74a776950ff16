/**
 * One RFC 6902 JSON Patch operation, as Ironic's `PATCH /v1/nodes/{node_ident}` (and the port and
 * portgroup PATCH endpoints) take a list of them, e.g. `{op: 'add', path: '/extra/k', value: 'v'}`.
 * `path` and `from` are JSON Pointers (RFC 6901) into the resource; `value` is required by `add`,
 * `replace` and `test`, `from` by `move` and `copy`.
 *
 * @public
 */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

import type { IronicNode, JsonPatchOperation } from '@ironic-metadata/ironic-model';

/**
 * The `instance_info` key that keeps the encrypted password an instance POSTs to `password`. Nova
 * keeps it in the instance's own system metadata (`password_0..3`, nova/api/metadata/password.py),
 * so it lives and dies with the instance; `instance_info` is Ironic's instance scope: PATCH-able while
 * the node is `active`, emptied at tear-down (Ironic 21.4, verified). The name avoids every word of
 * oslo.utils' `_SANITIZE_KEYS` ("password", "secret", "token", ...), for which Ironic answers
 * `"******"` unless `show_instance_secrets` passes: the value is ciphertext for the instance's key
 * and must be readable by the service without that grant, as Nova serves it to the instance.
 */
export const PASSWORD_INSTANCE_INFO_KEY = 'metadata_encrypted_pw';

/** The password stored at the node's instance scope, or '' when there is none. */
export function instancePassword(node: IronicNode): string {
  const value = node.instance_info[PASSWORD_INSTANCE_INFO_KEY];
  return typeof value === 'string' ? value : '';
}

/** The JSON Patch that stores an instance's password at its instance's scope. */
export function storePasswordPatch(password: string): JsonPatchOperation[] {
  return [{ op: 'add', path: `/instance_info/${PASSWORD_INSTANCE_INFO_KEY}`, value: password }];
}

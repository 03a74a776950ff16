import type { IronicNode } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import { isEligible, nodeLabel, type IndexedNode, type NodePatch } from '@ironic-metadata/node-discovery';
import { instanceIdentity } from './instance-identity';

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

/**
 * Where earlier versions of this service kept the password: the node's `extra`, which Ironic keeps
 * across tear-down, so a value there may be a previous instance's (field case C-08).
 */
export const LEGACY_PASSWORD_EXTRA_KEY = 'metadata_password';

/** The password stored at the node's instance scope, or '' when there is none. */
export function instancePassword(node: IronicNode): string {
  const value = node.instance_info[PASSWORD_INSTANCE_INFO_KEY];
  return typeof value === 'string' ? value : '';
}

/** The JSON Patch that stores an instance's password at its instance's scope. */
export function storePasswordPatch(password: string): NodePatch[] {
  return [{ op: 'add', path: `/instance_info/${PASSWORD_INSTANCE_INFO_KEY}`, value: password }];
}

function legacyPassword(node: IronicNode): string | undefined {
  const value = node.extra[LEGACY_PASSWORD_EXTRA_KEY];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Passwords earlier versions left in `extra`, which carry no instance identity. A value is taken to
 * belong to the deployment that was on the node when this process first saw it, and to none when the
 * node had no instance; it is never served to a later deployment. Usually that first deployment is
 * the one that POSTed it; a node already redeployed before this version first ran cannot be told
 * apart, since nothing in Ironic dates the value. With `migrate`, the value
 * is moved at first sight into the instance's `instance_info` (or removed, for a node with no
 * instance), so that tear-down ends it and every replica agrees after a restart.
 */
export class LegacyPasswords {
  /** Per node: the legacy value and the deployment it was first seen with ('' for none). */
  private readonly owners = new Map<string, { value: string; instance: string }>();

  constructor(
    private readonly options: {
      /** Stores the move at the source; absent when the service may not write. */
      migrate?: (nodeUuid: string, patch: NodePatch[]) => Promise<unknown>;
      logger: Logger;
    },
  ) {}

  /** Notes the owner of every legacy value not seen before, in a newly loaded index. */
  observe(entries: readonly IndexedNode[]): void {
    for (const entry of entries) {
      const value = legacyPassword(entry.node);
      const known = this.owners.get(entry.node.uuid);
      if (value === undefined) {
        if (known) this.owners.delete(entry.node.uuid);
        continue;
      }
      if (known?.value === value) continue;
      const instance = isEligible(entry) ? this.deploymentOf(entry) : '';
      this.owners.set(entry.node.uuid, { value, instance });
      this.migrate(entry, value, instance);
    }
  }

  /** The legacy password of the instance on `entry`, or '' when there is none or it was another's. */
  passwordOf(entry: IndexedNode): string {
    const value = legacyPassword(entry.node);
    const owner = this.owners.get(entry.node.uuid);
    if (value === undefined || owner?.value !== value || owner.instance === '') return '';
    return owner.instance === this.deploymentOf(entry) ? value : '';
  }

  /**
   * One deployment of an instance: the identity it is served, the node's `instance_uuid`, and when
   * Ironic last moved the node's provision state. Without a config drive uuid the identity is the
   * node's own, the same for every instance; `instance_uuid` and the time tell a redeploy apart (and,
   * rarely, also a rescue of the same one, whose legacy password is then withheld rather than risk
   * giving it to another tenant).
   */
  private deploymentOf(entry: IndexedNode): string {
    return `${instanceIdentity(entry.node, entry.configDrive?.metaData).uuid.value} ${entry.node.instance_uuid ?? ''} ${String(entry.node['provision_updated_at'] ?? '')}`;
  }

  private migrate(entry: IndexedNode, value: string, instance: string): void {
    const { migrate, logger } = this.options;
    if (!migrate) return;
    const patch: NodePatch[] = [{ op: 'remove', path: `/extra/${LEGACY_PASSWORD_EXTRA_KEY}` }];
    if (instance !== '' && instancePassword(entry.node) === '') patch.unshift(...storePasswordPatch(value));
    const node = nodeLabel(entry.node);
    migrate(entry.node.uuid, patch).then(
      () => logger.info(instance !== '' ? 'legacy instance password moved from extra to instance_info' : 'legacy password of a departed instance removed from extra', { node, deployment: instance || undefined }),
      // Another replica may have moved it first; the next load shows the node as it is.
      (error: Error) => logger.warn('could not move the legacy instance password out of extra', { node, error: error.message }),
    );
  }
}

import type { IronicNode } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import { instanceIdentity, instancePassword, storePasswordPatch } from '@ironic-metadata/instance-metadata';
import { isEligible, nodeLabel, type IndexedNode, type NodePatch } from '@ironic-metadata/node-discovery';

/**
 * Where earlier versions of this service kept the password: the node's `extra`, which Ironic keeps
 * across tear-down, so a value there may be a previous instance's (field case C-08).
 */
export const LEGACY_PASSWORD_EXTRA_KEY = 'metadata_password';

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
      () =>
        logger.info(
          instance !== ''
            ? 'legacy instance password moved from extra to instance_info'
            : 'legacy password of a departed instance removed from extra',
          { node, deployment: instance || undefined },
        ),
      // Another replica may have moved it first; the next load shows the node as it is.
      (error: Error) => logger.warn('could not move the legacy instance password out of extra', { node, error: error.message }),
    );
  }
}

import type { InstanceMetadata } from './instance-metadata';

/** The `version` every instance identity document carries (AWS documentation, "Instance identity documents"). */
export const IDENTITY_DOCUMENT_VERSION = '2017-09-30';

/**
 * EC2's instance identity document (`dynamic/instance-identity/document`), keys in AWS's order.
 * Identity comes from the same fields as `meta-data/`: `instanceId` is `instance-id`, `privateIp`
 * is `local-ipv4`, `availabilityZone` is `placement/availability-zone`, `region` is
 * `placement/region`. `accountId` is the instance's project (Ironic's `owner`, Nova's
 * `project_id`). What is not known is null, never an empty string: the Go SDKs parse `pendingTime`
 * as a time, and null is the one value every client reads as "none". There is nothing to bill and
 * no separate kernel or ramdisk on bare metal, so those keys are null as well.
 */
export interface InstanceIdentityDocument {
  accountId: string | null;
  architecture: string | null;
  availabilityZone: string;
  billingProducts: null;
  devpayProductCodes: null;
  marketplaceProductCodes: null;
  imageId: string;
  instanceId: string;
  instanceType: string;
  kernelId: string | null;
  pendingTime: string | null;
  privateIp: string | null;
  ramdiskId: string | null;
  region: string;
  version: typeof IDENTITY_DOCUMENT_VERSION;
}

export function instanceIdentityDocument(md: InstanceMetadata): InstanceIdentityDocument {
  const ec2 = md.ec2;
  return {
    accountId: md.projectId ?? null,
    architecture: ec2.architecture ?? null,
    availabilityZone: md.availabilityZone,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: ec2.amiId,
    instanceId: ec2.instanceId,
    instanceType: ec2.instanceType,
    kernelId: ec2.kernelId ?? null,
    pendingTime: ec2.pendingTime ?? null,
    privateIp: ec2.localIpv4 ?? null,
    ramdiskId: ec2.ramdiskId ?? null,
    region: ec2.region,
    version: IDENTITY_DOCUMENT_VERSION,
  };
}

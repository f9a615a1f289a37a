/** Table names, with an optional prefix so that a test run or a second environment owns its own set. */
export interface TableNames {
  readonly partners: string;
  readonly invitations: string;
  readonly relationships: string;
  readonly audit: string;
  readonly devUsers: string;
  readonly devTenants: string;
  readonly deviceBatches: string;
  readonly batchStaging: string;
  readonly deviceOutcomes: string;
  readonly deviceIndex: string;
  /** CSV files checked in the partner portal and waiting for confirmation. */
  readonly portalUploads: string;
  /** The Partner Center–compatible surface's batch names, uploads and first answers (partnerCenterTable.ts). */
  readonly partnerCenter: string;
}

export function tableNames(prefix = ''): TableNames {
  return {
    partners: `${prefix}Partners`,
    invitations: `${prefix}Invitations`,
    relationships: `${prefix}Relationships`,
    audit: `${prefix}Audit`,
    devUsers: `${prefix}DevUsers`,
    devTenants: `${prefix}DevTenants`,
    deviceBatches: `${prefix}DeviceBatches`,
    batchStaging: `${prefix}BatchStaging`,
    deviceOutcomes: `${prefix}DeviceOutcomes`,
    deviceIndex: `${prefix}DeviceIndex`,
    portalUploads: `${prefix}PortalUploads`,
    partnerCenter: `${prefix}PartnerCenter`,
  };
}
